using System.Diagnostics;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Tests.Kernels;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Issue 12 item 6 (the soak half, shortened for CI): many runs of one RepVGG-N1 session (1x3x32x32) keep memory flat.
/// Measured after 100 warm-up runs, so first-run compilation and caches are not counted. Bounds asserted, last sample
/// minus first: managed heap under 4 MiB, process resident set under 64 MiB, the session's device bytes unchanged
/// (exactly), one execution state; the output is checked bit for bit every 500 runs. PoCL reports no used-memory
/// figure, and its buffers live in this process, so for opencl the resident set covers the device side.
/// bench/results/2026-12-02-soak.md has the 10,000-run figures.
/// </summary>
[Collection(SoakCollection.Name)]
public class SoakTests(ITestOutputHelper log)
{
    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    /// <summary>1,000 runs in CI; GPUENGINE_SOAK_RUNS=10000 gives the full soak.</summary>
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("GPUENGINE_SOAK_RUNS"), out int runs) && runs > 0 ? runs : 1_000;

    private const long HeapBound = 4 << 20;
    private const long ResidentBound = 64 << 20;

    [Theory]
    [MemberData(nameof(Devices))]
    public void ManyRunsKeepMemoryFlat(string device)
    {
        var shape = new TensorShape(1, 3, 32, 32);
        using var session = new InferenceSession(WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", shape, 10), 6), new SessionOptions { Device = device });
        var input = RandomInput.Uniform(shape, 1);
        var expected = session.Run(input).Floats;
        for (int i = 0; i < 100; i++) session.Run(input);
        var first = Sample(session);
        var max = first;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Runs; i++)
        {
            var output = session.Run(input).Floats;
            if (i % 500 == 0) Assert.Equal(expected, output);
            if (i % 1000 == 999)
            {
                var sample = Sample(session);
                max = new MemorySample(Math.Max(max.Heap, sample.Heap), Math.Max(max.Resident, sample.Resident), Math.Max(max.Device, sample.Device));
                if (Runs > 1_000) log.WriteLine($"{device}: {i + 1} runs, {Describe(sample)}");
            }
        }
        var last = Sample(session);
        max = new MemorySample(Math.Max(max.Heap, last.Heap), Math.Max(max.Resident, last.Resident), Math.Max(max.Device, last.Device));
        log.WriteLine($"{device}: {Runs} runs in {clock.Elapsed.TotalSeconds:F0} s; first {Describe(first)}; last {Describe(last)}; max {Describe(max)}");
        // The outputs are 40 bytes a run; a leak of one arena-sized buffer a run would be megabytes.
        Assert.True(last.Heap - first.Heap < HeapBound, $"{device}: managed heap grew {(last.Heap - first.Heap) / 1024} KiB over {Runs} runs");
        Assert.True(last.Resident - first.Resident < ResidentBound, $"{device}: resident memory grew {(last.Resident - first.Resident) >> 20} MiB over {Runs} runs");
        Assert.Equal(first.Device, last.Device);
        Assert.Equal(1, session.ExecutionStates);
    }

    private readonly record struct MemorySample(long Heap, long Resident, long Device);

    private static string Describe(MemorySample s) => $"heap {s.Heap >> 10} KiB, resident {s.Resident >> 20} MiB, device {s.Device >> 10} KiB";

    private static MemorySample Sample(InferenceSession session)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return new MemorySample(GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64, session.DeviceBytes);
    }
}

/// <summary>The soak measures the whole process's heap and resident memory: it runs alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "soak (runs alone)";
}
