using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Concat: one slice copy per input, each at its column offset in the output's rows.</summary>
public static class ConcatLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Concat concat, LaunchContext context)
    {
        var output = context.Shape(node.Output);
        int outputSlice = (int)(output.Elements / Ops.Concat.Outer(output, concat.Axis));
        var launches = new List<KernelLaunch>(node.Inputs.Count);
        int offset = 0;
        foreach (var input in node.Inputs)
        {
            var x = context.Shape(input);
            int slice = (int)(x.Elements / Ops.Concat.Outer(x, concat.Axis));
            launches.Add(new KernelLaunch(node, GeneratedKernels.ConcatKernels_CopySlice, LaunchGrid.Linear(x.Elements),
                [context.Tensor(input), context.Tensor(node.Output), Int((int)x.Elements), Int(slice), Int(outputSlice), Int(offset)]));
            offset += slice;
        }
        return launches;
    }
}
