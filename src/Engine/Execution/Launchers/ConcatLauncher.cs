using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Concat: one slice copy per operand (activation or constant weight), each at its column offset in the output's rows.</summary>
public static class ConcatLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Concat concat, LaunchContext context)
    {
        var output = context.Shape(node.Output);
        int outputSlice = (int)(output.Elements / Ops.Concat.Outer(output, concat.Axis));
        var operands = concat.Operands([.. node.Inputs.Select(context.Shape)]);
        var launches = new List<KernelLaunch>(operands.Count);
        int offset = 0;
        foreach (var (activation, constant, x) in operands)
        {
            int slice = (int)(x.Elements / Ops.Concat.Outer(x, concat.Axis));
            var source = activation >= 0 ? context.Tensor(node.Inputs[activation]) : context.Weight(node, Ops.Concat.ConstantRole(constant));
            launches.Add(new KernelLaunch(node, GeneratedKernels.ConcatKernels_CopySlice, LaunchGrid.Linear(x.Elements),
                [source, context.Tensor(node.Output), Int((int)x.Elements), Int(slice), Int(outputSlice), Int(offset)]));
            offset += slice;
        }
        return launches;
    }
}
