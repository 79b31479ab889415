using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Profiling;

/// <summary>The counting run: simple kernels move exactly their analytic bytes; shared memory is not device traffic.</summary>
public class MeasuredTrafficTests
{
    [Fact]
    public void ReluMovesExactlyItsAnalyticBytes()
    {
        using var backend = new CpuBackend();
        const int count = 1000;
        using var x = backend.Allocate(4 * count);
        using var y = backend.Allocate(4 * count);
        backend.Upload(x, 0, MemoryMarshal.AsBytes(new float[count].AsSpan()));
        using var counter = AccessCounter.Start();
        backend.Launch(GeneratedKernels.ActivationKernels_Relu, LaunchGrid.Linear(count),
            [KernelArgument.View(x, 0, count), KernelArgument.View(y, 0, count), KernelArgument.Int(count)]);
        counter.Dispose();
        var shape = new TensorShape(1, 10, 10, 10);
        var analytic = ActivationCost.Count(shape, shape);
        Assert.Equal(4 * (analytic.ReadElements + analytic.WriteElements), counter.Bytes);
    }

    [Fact]
    public void AddMatchesAnalyticAndLinearCountsNoSharedMemory()
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", new TensorShape(1, 3, 32, 32)), 3);
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        session.WriteInput(graph.Inputs[0].Name, RandomInput.Uniform(graph.Inputs[0].Shape, 3));
        var measured = MeasuredTraffic.Count(session)!;
        var exec = session.ExecutionGraph;
        for (int i = 0; i < session.Launches.Count; i++)
        {
            var node = session.Launches[i].Node;
            if (node.Op is Add)
                Assert.Equal(CostModel.Layer(exec, node).MemRw, measured[i]);
            if (node.Op is Linear linear && session.Launches[i].Kernel.Name.EndsWith("LinearRows"))
            {
                // Each output reads the input row and its weight row once (the input is re-read per output: the
                // traffic the analytic count does not see), plus bias and output; the partial sums stay in shared memory.
                long inF = exec.InputShape(node).Elements, outF = exec.OutputShape(node).Elements;
                Assert.Equal(4 * (2 * inF * outF + 2 * outF), measured[i]);
            }
        }
        Assert.Contains(session.Launches, l => l.Node.Op is Add);
    }
}
