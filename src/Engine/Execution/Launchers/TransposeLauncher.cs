using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Execution.Launchers;

/// <summary>Transpose: one thread an output element, reading through the permuted input strides.</summary>
public static class TransposeLauncher
{
    public static IReadOnlyList<KernelLaunch> Plan(Node node, Ops.Transpose transpose, LaunchContext context)
    {
        var output = context.Shape(node.Output);
        var dims = ElementwiseLauncher.Padded(output);
        var strides = PermutedStrides(context.Shape(node.Inputs[0]), transpose);
        return [new KernelLaunch(node, GeneratedKernels.TransposeKernels_Transpose, LaunchGrid.Linear(output.Elements),
        [
            context.Tensor(node.Inputs[0]), context.Tensor(node.Output), Int((int)output.Elements), Int(dims[1]), Int(dims[2]), Int(dims[3]),
            .. strides.Select(Int),
        ])];
    }

    /// <summary>Per output axis (rank padded to 4 with leading ones) the row-major stride of the input axis it takes.</summary>
    public static int[] PermutedStrides(TensorShape input, Ops.Transpose transpose)
    {
        int rank = input.Rank, lead = Ops.Transpose.MaxRank - rank;
        var inputStrides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= input[d], d--) inputStrides[d] = s;
        var strides = new int[Ops.Transpose.MaxRank];
        for (int k = 0; k < rank; k++) strides[lead + k] = inputStrides[transpose.Perm[k]];
        return strides;
    }
}
