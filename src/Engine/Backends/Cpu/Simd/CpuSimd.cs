using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>The instruction-set paths of the cpu SIMD kernels, narrowest first.</summary>
public enum SimdLevel
{
    /// <summary>Plain scalar C# (one float per "vector").</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE / AdvSimd).</summary>
    Vector128,

    /// <summary>256-bit vectors with FMA (AVX2 + FMA3).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512,
}

/// <summary>
/// Which SIMD path the cpu tactics take: the widest the machine runs, unless a test narrows it with
/// <see cref="Force"/> (per async flow, so a forced test never reaches one running beside it). Kernels read
/// <see cref="Level"/> once per launch, on the launching thread, and hand it to their worker jobs.
/// </summary>
public static class CpuSimd
{
    private static readonly AsyncLocal<SimdLevel?> s_forced = new();

    /// <summary>
    /// False when the environment variable GPUENGINE_CPU_SIMD is "off" or "0": no SIMD tactic is offered, so the cpu
    /// device runs the reference kernels (for before/after measurements and as an escape hatch).
    /// </summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("GPUENGINE_CPU_SIMD") is not ("off" or "0");

    /// <summary>The widest path this machine accelerates.</summary>
    public static SimdLevel Best { get; } = Detect();

    /// <summary>The path kernels launched from here take now: <see cref="Best"/> or a narrower forced one.</summary>
    public static SimdLevel Level => s_forced.Value is { } forced && forced < Best ? forced : Best;

    /// <summary>Every path this machine can run, narrowest first (the tests run each).</summary>
    public static IReadOnlyList<SimdLevel> Available { get; } = [.. Enum.GetValues<SimdLevel>().Where(l => l <= Best)];

    /// <summary>Narrows the path for this async flow until the result is disposed (tests cover the fallbacks this way).</summary>
    public static IDisposable Force(SimdLevel level)
    {
        var previous = s_forced.Value;
        s_forced.Value = level;
        return new Restore(previous);
    }

    private static SimdLevel Detect()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return SimdLevel.Vector512;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported) return SimdLevel.Vector256;
        return Vector128.IsHardwareAccelerated ? SimdLevel.Vector128 : SimdLevel.Scalar;
    }

    private sealed class Restore(SimdLevel? previous) : IDisposable
    {
        public void Dispose() => s_forced.Value = previous;
    }
}
