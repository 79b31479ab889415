using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Pad: one thread an output element; the mode is a specialized value.</summary>
public static class PadLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Pad pad, LaunchContext context)
    {
        var output = context.Shape(node.Output);
        var o = ElementwiseLauncher.Padded(output);
        var i = ElementwiseLauncher.Padded(context.Shape(node.Inputs[0]));
        var before = LeadingPads(pad);
        return [new KernelLaunch(node, GeneratedKernels.PadKernels_Pad, LaunchGrid.Linear(output.Elements),
        [
            context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int((int)output.Elements), Int(o[1]), Int(o[2]), Int(o[3]),
            Int(i[0]), Int(i[1]), Int(i[2]), Int(i[3]), .. before.Select(Int), Float(pad.Value), Int((int)pad.Mode),
        ])];
    }

    /// <summary>The leading pads aligned to rank 4 (zeros for the added leading axes).</summary>
    public static int[] LeadingPads(Ops.Pad pad)
    {
        var before = new int[Ops.Pad.MaxRank];
        for (int d = 0; d < pad.Before.Length; d++) before[Ops.Pad.MaxRank - pad.Before.Length + d] = pad.Before[d];
        return before;
    }
}
