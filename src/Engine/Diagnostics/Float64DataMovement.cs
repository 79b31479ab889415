using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Diagnostics;

/// <summary>Float64 loops for Concat, Transpose and Pad, written from the ONNX spec by coordinates (no strides shared with the kernels).</summary>
public static class Float64DataMovement
{
    /// <summary>
    /// The operands (<paramref name="operands"/>: activations and constants in order) side by side along the axis: each
    /// output coordinate finds its operand by walking the axis lengths.
    /// </summary>
    public static double[] Concat(Concat op, IReadOnlyList<double[]> operands, IReadOnlyList<TensorShape> activations)
    {
        var output = op.InferShape("reference", activations);
        var shapes = op.Operands(activations).Select(o => o.Shape).ToList();
        var inputs = operands;
        var y = new double[output.Elements];
        for (long e = 0; e < y.Length; e++)
        {
            var at = Coordinates(e, output);
            int k = 0;
            while (at[op.Axis] >= shapes[k][op.Axis]) at[op.Axis] -= shapes[k++][op.Axis];
            y[e] = inputs[k][Flat(at, shapes[k])];
        }
        return y;
    }

    /// <summary>output[c] = input[c'] with c'[Perm[k]] = c[k].</summary>
    public static double[] Transpose(Transpose op, double[] x, TensorShape input, TensorShape output)
    {
        var y = new double[output.Elements];
        for (long e = 0; e < y.Length; e++)
        {
            var at = Coordinates(e, output);
            var source = new int[input.Rank];
            for (int k = 0; k < at.Length; k++) source[op.Perm[k]] = at[k];
            y[e] = x[Flat(source, input)];
        }
        return y;
    }

    /// <summary>Each output coordinate minus the leading pad; outside the input: the value, the mirror image or the edge.</summary>
    public static double[] Pad(Pad op, double[] x, TensorShape input, TensorShape output)
    {
        var y = new double[output.Elements];
        for (long e = 0; e < y.Length; e++)
        {
            var at = Coordinates(e, output);
            bool outside = false;
            for (int d = 0; d < at.Length; d++)
            {
                int s = at[d] - op.Before[d], n = input[d];
                if (s >= 0 && s < n) at[d] = s;
                else if (op.Mode == PadMode.Edge) at[d] = Math.Clamp(s, 0, n - 1);
                else if (op.Mode == PadMode.Reflect) at[d] = s < 0 ? -s : 2 * n - 2 - s;
                else outside = true;
            }
            y[e] = outside ? op.Value : x[Flat(at, input)];
        }
        return y;
    }

    private static int[] Coordinates(long e, TensorShape shape)
    {
        var at = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            at[d] = (int)(e % shape[d]);
            e /= shape[d];
        }
        return at;
    }

    private static long Flat(int[] at, TensorShape shape)
    {
        long index = 0;
        for (int d = 0; d < shape.Rank; d++) index = index * shape[d] + at[d];
        return index;
    }
}
