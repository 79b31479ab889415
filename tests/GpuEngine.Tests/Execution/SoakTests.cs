using System.Diagnostics;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Tests.Kernels;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Issue 12 item 6 (the soak half, shortened for CI): many runs of one RepVGG-N1 session keep the managed heap and the
/// process's resident memory flat. Measured after a warm-up, so first-run compilation and caches are not counted.
/// </summary>
[Collection(SoakCollection.Name)]
public class SoakTests(ITestOutputHelper log)
{
    public static TheoryData<string> Devices() => InferenceSessionDevices.Names();

    /// <summary>1,000 runs in CI; GPUENGINE_SOAK_RUNS=10000 gives the full soak (docs/reliability.md has its figures).</summary>
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("GPUENGINE_SOAK_RUNS"), out int runs) && runs > 0 ? runs : 1_000;

    [Theory]
    [MemberData(nameof(Devices))]
    public void ManyRunsKeepMemoryFlat(string device)
    {
        var shape = new TensorShape(1, 3, 32, 32);
        using var session = new InferenceSession(WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", shape, 10), 6), new SessionOptions { Device = device });
        var input = RandomInput.Uniform(shape, 1);
        var expected = session.Run(input).Floats;
        for (int i = 0; i < 100; i++) session.Run(input);
        var (heap0, resident0) = Memory();
        for (int i = 0; i < Runs; i++)
        {
            var output = session.Run(input).Floats;
            if (i % 500 == 0) Assert.Equal(expected, output);
            if (i % 1000 == 999 && Runs > 1_000) log.WriteLine($"{device}: {i + 1} runs, resident {Memory().Resident >> 20} MiB");
        }
        var (heap1, resident1) = Memory();
        log.WriteLine($"{device}: {Runs} runs, managed heap {heap0 >> 10} -> {heap1 >> 10} KiB, resident {resident0 >> 20} -> {resident1 >> 20} MiB");
        // The outputs are 40 bytes a run; a leak of one arena-sized buffer a run would be megabytes.
        Assert.True(heap1 - heap0 < 4 << 20, $"{device}: managed heap grew {(heap1 - heap0) / 1024} KiB over {Runs} runs");
        Assert.True(resident1 - resident0 < 64 << 20, $"{device}: resident memory grew {(resident1 - resident0) >> 20} MiB over {Runs} runs");
        Assert.Equal(1, session.ExecutionStates);
    }

    private static (long Heap, long Resident) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}

/// <summary>The soak measures the whole process's heap and resident memory: it runs alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "soak (runs alone)";
}
