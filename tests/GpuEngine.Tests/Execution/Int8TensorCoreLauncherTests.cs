using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Backends.IlgpuCpu;
using GpuEngine.Execution;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Ops;
using GpuEngine.Tests.Kernels;
using KernelReference = GpuEngine.Tests.Kernels.Reference;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// <see cref="Int8Conv2dLauncher.PlanTensorCore"/>: the launch the tactics machinery can offer, for the same conv node and
/// views as <see cref="Int8Conv2dLauncher.Plan"/>; on ilgpu-cpu it gives the dp4a kernel's bytes on the cpu backend.
/// </summary>
public class Int8TensorCoreLauncherTests
{
    [Fact]
    public void PlanTensorCore_OnIlgpuCpu_MatchesPlan_OnTheCpuBackend()
    {
        var b = new GraphBuilder("int8");
        b.Input("x", new TensorShape(2, 7, 6, 5));
        var conv = Conv2d.Square(7, 11, 3, stride: 2, padding: 1);
        b.Add("conv", conv, "x");
        var graph = b.Build();
        var node = graph.Nodes[0];
        var random = new Random(16);
        var x = KernelReference.RandomInt8(random, 2 * 7 * 6 * 5);
        var w = KernelReference.RandomInt8(random, 11 * 7 * 9);
        var bias = Enumerable.Range(0, 11).Select(_ => random.Next(-20000, 20000)).ToArray();
        var (multipliers, shifts) = Int8Requant.RandomScales(random, 11, 7 * 9);
        int outputs = 2 * 11 * 3 * 3;

        sbyte[] Run(Backend backend, bool tensorCore)
        {
            using var run = new KernelRunner(backend);
            var quant = new QuantParams(Slice(run.Upload(multipliers)), Slice(run.Upload(shifts)), 0, 2, ClampMin: 2, ClampMax: 127);
            var empty = Slice(run.Upload(new float[1]));
            var context = new LaunchContext(graph, _ => empty, _ => empty, empty);
            var output = Slice(run.Upload(new sbyte[outputs]));
            var (xv, wv, bv) = (Slice(run.Upload(x)), Slice(run.Upload(w)), Slice(run.Upload(bias)));
            var launches = tensorCore
                ? Int8Conv2dLauncher.PlanTensorCore(node, conv, context, quant, xv, wv, bv, output)
                : Int8Conv2dLauncher.Plan(node, conv, context, quant, xv, wv, bv, output);
            if (tensorCore) Assert.Same(IlgpuOnlyKernels.Int8TensorCoreConv2d, Assert.Single(launches).Kernel);
            foreach (var launch in launches) launch.Run(backend);
            backend.Synchronize();
            return run.Download<sbyte>(output.Argument);
        }

        using var cpu = new CpuBackend();
        var expected = Run(cpu, tensorCore: false);
        using var ilgpu = new IlgpuCpuBackend();
        Assert.Equal(expected, Run(ilgpu, tensorCore: true));
        Assert.Contains(expected, v => v != expected[0]);
    }

    private static BufferSlice Slice(KernelArgument view) => new(view.Buffer!, view.ByteOffset, view.Length);
}
