using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Issue 14 item 1: after warm-up, Run into the caller's outputs allocates nothing on the host on the cpu device
/// (RepVGG-N1 at 1x3x64x64, 100 runs). Before the bound-launch cache and CpuParallel, each run allocated an argument
/// array, binder closures and Parallel.For state per launch.
/// </summary>
public class SteadyStateAllocationTests
{
    private const int Runs = 100;

    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Int8)]
    public void RunIntoCallerOutputsAllocatesNothing(Precision precision)
    {
        var shape = new TensorShape(1, 3, 64, 64);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", shape, 100), 21);
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu", Precision = precision });
        NamedTensor[] inputs = [NamedTensor.Wrap(session.InputNames[0], RandomInput.Uniform(shape, 22))];
        var logits = new float[session.OutputMetadata[0].Shape.Elements];
        NamedTensor[] outputs = [NamedTensor.Wrap(session.OutputNames[0], logits, session.OutputMetadata[0].Shape)];
        for (int i = 0; i < 3; i++) session.Run(inputs, outputs);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++) session.Run(inputs, outputs);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated == 0, $"{precision}: {allocated:N0} bytes allocated in {Runs} runs ({allocated / Runs:N0} per run)");
        // And the runs computed something: the caller's buffer holds the answer Run(Tensor) gives.
        Assert.Equal(session.Run(inputs[0].ToTensor()).Floats, logits);
    }
}
