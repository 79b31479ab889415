using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Execution.Launchers;

/// <summary>
/// Chooses the kernels for a node and computes their grids and arguments. One launcher file per op family
/// (<c>&lt;Op&gt;Launcher.cs</c>), beside its kernel (src/Kernels/Ops) and its cost (src/Profiler/Costs).
/// Views (Flatten, inference Dropout) launch nothing: the plan gives them their input's bytes.
/// </summary>
public static class OpLaunchers
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, LaunchContext context) => node.Op switch
    {
        Conv2d conv => Conv2dLauncher.Plan(node, conv, context),
        Relu or Relu6 => ActivationLauncher.Plan(node, context),
        Add add => AddLauncher.Plan(node, add, context),
        BatchNorm2d bn => BatchNorm2dLauncher.Plan(node, bn, context),
        WindowPool2d pool => Pool2dLauncher.Plan(node, pool, context),
        AdaptiveAvgPool2d pool => Pool2dLauncher.Plan(node, pool, context),
        Linear linear => LinearLauncher.Plan(node, linear, context),
        Unary unary => ElementwiseLauncher.Plan(node, unary, context),
        Binary binary => ElementwiseLauncher.Plan(node, binary, context),
        Softmax softmax => SoftmaxLauncher.Plan(node, softmax, context),
        Concat concat => ConcatLauncher.Plan(node, concat, context),
        Transpose transpose => TransposeLauncher.Plan(node, transpose, context),
        Pad pad => PadLauncher.Plan(node, pad, context),
        Flatten or Dropout or Reshape => [],
        _ => throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': no kernel implements this op yet"),
    };

    /// <summary>The FusedActivation constant kernels take for an epilogue activation.</summary>
    public static int ActivationCode(Activation activation) => activation switch
    {
        Activation.Relu => Kernels.Ops.FusedActivation.Relu,
        Activation.Relu6 => Kernels.Ops.FusedActivation.Relu6,
        _ => Kernels.Ops.FusedActivation.None,
    };
}
