namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The fp32 SIMD kernels over plain arrays (pinned for the call): what the tests and benchmarks call directly. Sessions
/// use the bound runs of <c>CpuTactics</c> instead, whose weights are packed once.
/// </summary>
public static unsafe class Fp32SimdKernels
{
    /// <summary>Conv2d NCHW: weight [cout, cin / groups, kh, kw], bias [cout] (read when the shape has one), output [n, cout, outH, outW].</summary>
    public static void Conv2d(Fp32Conv2dShape shape, float[] input, float[] weight, float[] bias, float[] output)
    {
        var packed = Fp32Conv2d.Pack(shape, weight);
        fixed (float* x = input, b = bias, y = output)
            new Fp32Conv2d(shape, packed, x, b, y, []).Execute();
    }

    /// <summary>Depthwise conv NCHW: weight [channels, 1, kh, kw], bias [channels].</summary>
    public static void Depthwise(Fp32DepthwiseShape shape, float[] input, float[] weight, float[] bias, float[] output)
    {
        fixed (float* x = input, w = weight, b = bias, y = output)
            new Fp32Depthwise(shape, x, w, b, y, []).Execute();
    }

    /// <summary>Linear: x [batch, in], weight [out, in], bias [out], y [batch, out].</summary>
    public static void Linear(int batch, int inFeatures, int outFeatures, bool hasBias, int activation, float[] input, float[] weight, float[] bias,
        float[] output)
    {
        fixed (float* x = input, w = weight, b = bias, y = output)
            new Fp32Linear(batch, inFeatures, outFeatures, hasBias, activation, x, w, b, y, []).Execute();
    }
}
