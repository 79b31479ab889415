using BenchmarkDotNet.Attributes;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;

namespace GpuEngine.Bench;

/// <summary>
/// Host allocations per inference (issue 14): <see cref="InferenceSession.Run(Tensor)"/> returns a new tensor, the
/// named Run returns a result collection, and Run into the caller's outputs allocates nothing in steady state
/// (the Allocated column reads 0 B). RepVGG-N1 deploy, random weights, 1x3x64x64, 100 classes, on the cpu device.
/// Sixteen runs per iteration: an inference takes tens of milliseconds, and the memory diagnoser divides what the whole
/// process allocated during its iteration by the runs in it, so one run per iteration would let any other thread's
/// bytes (the host's timers, the JIT) show as the benchmark's.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(16, unrollFactor: 1)]
public class SessionRunBenchmarks
{
    private static readonly TensorShape Input = new(1, 3, 64, 64);
    private InferenceSession _session = null!;
    private Tensor _input = null!;
    private NamedTensor[] _inputs = [];
    private NamedTensor[] _outputs = [];

    [GlobalSetup]
    public void Setup()
    {
        _session = new InferenceSession("repvgg-n1", new SessionOptions { Device = "cpu", InputShape = Input, Classes = 100, WeightSeed = 1 });
        _input = RandomInput.Uniform(Input, 2);
        _inputs = [NamedTensor.Wrap(_session.InputNames[0], _input)];
        var output = _session.OutputMetadata[0];
        _outputs = [NamedTensor.Wrap(output.Name, new float[output.Shape.Elements], output.Shape)];
    }

    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    [Benchmark(Baseline = true, Description = "Run(Tensor): a new output tensor")]
    public Tensor RunTensor() => _session.Run(_input);

    [Benchmark(Description = "Run(inputs): a result collection, disposed")]
    public int RunResults()
    {
        using var results = _session.Run(_inputs);
        return results.Count;
    }

    [Benchmark(Description = "Run(inputs, outputs): the caller's buffers")]
    public NamedTensor RunIntoCallerOutputs()
    {
        _session.Run(_inputs, _outputs);
        return _outputs[0];
    }
}
