using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.Cpu.Simd;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The cpu device's two ceilings, measured the way its SIMD tactics run (the reference C# kernels interpret work items
/// and reach a small fraction of the machine): arithmetic rate from a register-blocked fused multiply-add loop
/// (<see cref="Accumulators"/> independent vector accumulators, enough to cover the FMA latency on both FMA ports) on
/// every core through <see cref="CpuParallel"/>; copy bandwidth from a vector load/store copy of
/// <see cref="CopyBytes"/> (beyond the last-level cache: memory, not cache) split over every core. Widest vectors
/// of <see cref="CpuSimd.Best"/>. Best of a few runs after a warm-up.
/// </summary>
internal static class CpuCeilings
{
    /// <summary>Independent accumulators of the FMA loop.</summary>
    public const int Accumulators = 12;

    /// <summary>Bytes each side of the copy: 64 MiB read, 64 MiB written.</summary>
    public const long CopyBytes = 64L << 20;

    private const int FmaIterations = 1_000_000; // about 1.5 ms per run at the peak: long beside a wake
    private const int Runs = 5;

    /// <summary>What measured the ceilings, in words (the report's footnote and the cache's check).</summary>
    public static string Method =>
        $"cpu SIMD ({CpuSimd.Best}): {Accumulators}-accumulator FMA loop and a vector copy of {CopyBytes >> 20} MiB, on all {Environment.ProcessorCount} cores via CpuParallel";

    /// <summary>Measures both ceilings: (GB/s of the copy, read plus written bytes; GFLOP/s of the FMA loop).</summary>
    public static (double Gbps, double Gflops) Measure()
    {
        var fma = new FmaLoop(Environment.ProcessorCount);
        double gflops = 0;
        for (int r = 0; r <= Runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            CpuParallel.For(fma.Jobs, fma);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r > 0) gflops = Math.Max(gflops, fma.Flops / seconds / 1e9);
        }
        var copy = new Copy(CopyBytes / sizeof(float), 4 * Environment.ProcessorCount);
        double gbps = 0;
        for (int r = 0; r <= Runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            CpuParallel.For(copy.Jobs, copy);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r > 0) gbps = Math.Max(gbps, 2.0 * CopyBytes / seconds / 1e9);
        }
        return (gbps, gflops);
    }

    /// <summary>One job per core, each <see cref="FmaIterations"/> rounds of <see cref="Accumulators"/> FMAs.</summary>
    private sealed class FmaLoop(int jobs) : ICpuParallelBody
    {
        private readonly SimdLevel _level = CpuSimd.Best;
        private readonly float[] _sink = new float[jobs];

        public int Jobs => jobs;

        public double Flops => 2.0 * jobs * FmaIterations * Accumulators * _level switch
        {
            SimdLevel.Vector512 => Vector512<float>.Count,
            SimdLevel.Vector256 => Vector256<float>.Count,
            SimdLevel.Vector128 => Vector128<float>.Count,
            _ => 1,
        };

        public void Run(int index) => _sink[index] = _level switch
        {
            SimdLevel.Vector512 => Fma<Simd512, Vector512<float>>(index),
            SimdLevel.Vector256 => Fma<Simd256, Vector256<float>>(index),
            SimdLevel.Vector128 => Fma<Simd128, Vector128<float>>(index),
            _ => Fma<SimdScalar, float>(index),
        };

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static float Fma<TS, TV>(int seed) where TS : ISimd<TV> where TV : struct
        {
            TV a = TS.Broadcast(0.999f), b = TS.Broadcast(1e-3f);
            TV c0 = TS.Broadcast(seed), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
            for (int i = 0; i < FmaIterations; i++)
            {
                c0 = TS.Fma(c0, a, b); c1 = TS.Fma(c1, a, b); c2 = TS.Fma(c2, a, b); c3 = TS.Fma(c3, a, b);
                c4 = TS.Fma(c4, a, b); c5 = TS.Fma(c5, a, b); c6 = TS.Fma(c6, a, b); c7 = TS.Fma(c7, a, b);
                c8 = TS.Fma(c8, a, b); c9 = TS.Fma(c9, a, b); c10 = TS.Fma(c10, a, b); c11 = TS.Fma(c11, a, b);
            }
            var sum = TS.Add(TS.Add(TS.Add(c0, c1), TS.Add(c2, c3)), TS.Add(TS.Add(c4, c5), TS.Add(c6, c7)));
            return TS.Sum(TS.Add(sum, TS.Add(TS.Add(c8, c9), TS.Add(c10, c11))));
        }
    }

    /// <summary>A vector copy of one array into another, in <paramref name="jobs"/> contiguous chunks.</summary>
    private sealed class Copy(long elements, int jobs) : ICpuParallelBody
    {
        private readonly float[] _from = Filled(elements), _to = new float[elements];

        public int Jobs => jobs;

        public void Run(int index)
        {
            long chunk = (elements / jobs + 63) / 64 * 64;
            int start = (int)Math.Min(elements, index * chunk), end = (int)Math.Min(elements, start + chunk);
            var from = _from.AsSpan(start, end - start);
            var to = _to.AsSpan(start, end - start);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; i + Vector512<float>.Count <= from.Length; i += Vector512<float>.Count) Vector512.Create(from[i..]).CopyTo(to[i..]);
            else
                for (; i + Vector256<float>.Count <= from.Length; i += Vector256<float>.Count) Vector256.Create(from[i..]).CopyTo(to[i..]);
            for (; i < from.Length; i++) to[i] = from[i];
        }

        private static float[] Filled(long elements)
        {
            var values = new float[elements];
            for (long i = 0; i < elements; i++) values[i] = i % 17 - 8;
            return values;
        }
    }
}
