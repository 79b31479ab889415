using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Unary pointwise ops (Sigmoid, HardSigmoid, HardSwish, Clip, LeakyRelu) and broadcasting Binary ops.</summary>
public static class ElementwiseLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Unary unary, LaunchContext context)
    {
        long count = context.Shape(node.Output).Elements;
        return [new KernelLaunch(node, GeneratedKernels.ElementwiseKernels_Unary, LaunchGrid.Linear(count),
            [context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int((int)count), Float(unary.Alpha), Float(unary.Beta), Int((int)unary.Kind)])];
    }

    public static IReadOnlyList<KernelLaunch> Plan(Node node, Binary binary, LaunchContext context)
    {
        var output = context.Shape(node.Output);
        var (left, right) = binary.Operands([.. node.Inputs.Select(context.Shape)]);
        var activation = context.Tensor(node.Inputs[0]);
        var other = binary.Constant is null ? context.Tensor(node.Inputs[1]) : context.Weight(node, "constant");
        var (a, b) = binary.Constant is not null && binary.ConstantFirst ? (other, activation) : (activation, other);
        var dims = Padded(output);
        var sa = BroadcastStrides(left);
        var sb = BroadcastStrides(right);
        return [new KernelLaunch(node, GeneratedKernels.ElementwiseKernels_Binary, LaunchGrid.Linear(output.Elements),
        [
            a, b, context.Tensor(node.Output), Int((int)output.Elements),
            Int(dims[1]), Int(dims[2]), Int(dims[3]), Int(sa[0]), Int(sa[1]), Int(sa[2]), Int(sa[3]), Int(sb[0]), Int(sb[1]), Int(sb[2]), Int(sb[3]),
            Int((int)binary.Kind),
        ])];
    }

    /// <summary>The output's dims padded with leading ones to rank 4.</summary>
    public static int[] Padded(TensorShape shape)
    {
        var dims = new int[Binary.MaxRank];
        for (int i = 0; i < dims.Length; i++) dims[i] = i < dims.Length - shape.Rank ? 1 : shape[i - (dims.Length - shape.Rank)];
        return dims;
    }

    /// <summary>Row-major strides of <paramref name="operand"/> aligned to the rank-4 output, 0 where it is broadcast.</summary>
    public static int[] BroadcastStrides(TensorShape operand)
    {
        var dims = Padded(operand);
        var strides = new int[Binary.MaxRank];
        int stride = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = dims[i] == 1 ? 0 : stride;
            stride *= dims[i];
        }
        return strides;
    }
}
