using BenchmarkDotNet.Attributes;
using GpuEngine.Profiling;
using GpuEngine.Zoo;

namespace GpuEngine.Bench;

/// <summary>How long building a zoo graph and its analytic summary takes (it runs on every CLI call).</summary>
[MemoryDiagnoser]
public class CostModelBenchmarks
{
    [Params("repvgg-a0", "mobilenet_v2", "vgg16")]
    public string Model { get; set; } = "repvgg-a0";

    [Benchmark]
    public int BuildAndSummarize() => ModelSummary.Create(ModelZoo.Create(Model)).Layers.Count;
}
