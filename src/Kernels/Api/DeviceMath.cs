namespace GpuEngine.Kernels;

/// <summary>
/// Float and int math with a device mapping. <c>Math</c>/<c>MathF</c> calls (Min, Max, Clamp, Abs, Exp, Sqrt,
/// Floor, Ceiling, Log, Tanh, FusedMultiplyAdd) are accepted too and map to the same device functions.
/// </summary>
public static class DeviceMath
{
    [DeviceIntrinsic("gpue_min({0}, {1})", "min({0}, {1})")] public static int Min(int a, int b) => Math.Min(a, b);
    [DeviceIntrinsic("gpue_max({0}, {1})", "max({0}, {1})")] public static int Max(int a, int b) => Math.Max(a, b);
    [DeviceIntrinsic("gpue_min({0}, {1})", "fmin({0}, {1})")] public static float Min(float a, float b) => MathF.Min(a, b);
    [DeviceIntrinsic("gpue_max({0}, {1})", "fmax({0}, {1})")] public static float Max(float a, float b) => MathF.Max(a, b);

    /// <summary><paramref name="x"/> limited to [lo, hi] (lo ≤ hi).</summary>
    [DeviceIntrinsic("gpue_clamp({0}, {1}, {2})", "clamp({0}, {1}, {2})")]
    public static int Clamp(int x, int lo, int hi) => Math.Min(Math.Max(x, lo), hi);

    /// <summary><paramref name="x"/> limited to [lo, hi] (lo ≤ hi).</summary>
    [DeviceIntrinsic("gpue_clamp({0}, {1}, {2})", "clamp({0}, {1}, {2})")]
    public static float Clamp(float x, float lo, float hi) => MathF.Min(MathF.Max(x, lo), hi);

    [DeviceIntrinsic("fabsf({0})", "fabs({0})")] public static float Abs(float x) => MathF.Abs(x);
    [DeviceIntrinsic("expf({0})", "exp({0})")] public static float Exp(float x) => MathF.Exp(x);
    [DeviceIntrinsic("logf({0})", "log({0})")] public static float Log(float x) => MathF.Log(x);
    [DeviceIntrinsic("sqrtf({0})", "sqrt({0})")] public static float Sqrt(float x) => MathF.Sqrt(x);

    /// <summary>1/sqrt(x); device versions are approximate (a few ulp).</summary>
    [DeviceIntrinsic("rsqrtf({0})", "rsqrt({0})")] public static float Rsqrt(float x) => 1f / MathF.Sqrt(x);

    [DeviceIntrinsic("floorf({0})", "floor({0})")] public static float Floor(float x) => MathF.Floor(x);
    [DeviceIntrinsic("ceilf({0})", "ceil({0})")] public static float Ceil(float x) => MathF.Ceiling(x);
    [DeviceIntrinsic("tanhf({0})", "tanh({0})")] public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>a*b+c with one rounding.</summary>
    [DeviceIntrinsic("fmaf({0}, {1}, {2})", "fma({0}, {1}, {2})")]
    public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>Round half to even, as a float (<c>rintf</c>).</summary>
    [DeviceIntrinsic("rintf({0})", "rint({0})")]
    public static float RoundEven(float x) => MathF.Round(x, MidpointRounding.ToEven);
}
