using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Diagnostics;

/// <summary>Float64 loops for the pointwise ops, Binary's broadcasting and Softmax, written from the ONNX spec's formulas.</summary>
public static class Float64Elementwise
{
    /// <summary>One application of <paramref name="op"/>'s function.</summary>
    public static double Unary(Unary op, double x) => op.Kind switch
    {
        UnaryKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        UnaryKind.HardSigmoid => Math.Clamp(op.Alpha * x + op.Beta, 0, 1),
        UnaryKind.HardSwish => x * Math.Clamp(x / 6 + 0.5, 0, 1),
        UnaryKind.Clip => Math.Min(Math.Max(x, op.Alpha), op.Beta),
        UnaryKind.LeakyRelu => x >= 0 ? x : op.Alpha * x,
        _ => throw new GpuEngineException($"no float64 loop for {op.Kind}"),
    };

    /// <summary>
    /// <paramref name="op"/> over <paramref name="activation"/> and <paramref name="other"/> (the second activation or the constant),
    /// broadcast to <paramref name="output"/> by NumPy's rule: each output coordinate, clamped to 0 where an operand's dim is 1.
    /// </summary>
    public static double[] Binary(Binary op, double[] activation, TensorShape activationShape, double[] other, TensorShape otherShape, TensorShape output)
    {
        var (a, sa, b, sb) = op.Constant is not null && op.ConstantFirst
            ? (other, otherShape, activation, activationShape)
            : (activation, activationShape, other, otherShape);
        var y = new double[output.Elements];
        var coordinate = new int[output.Rank];
        for (long i = 0; i < y.Length; i++)
        {
            long rest = i;
            for (int d = output.Rank - 1; d >= 0; d--)
            {
                coordinate[d] = (int)(rest % output[d]);
                rest /= output[d];
            }
            double x = a[Offset(sa, coordinate)], z = b[Offset(sb, coordinate)];
            y[i] = op.Kind switch
            {
                BinaryKind.Add => x + z,
                BinaryKind.Sub => x - z,
                BinaryKind.Mul => x * z,
                BinaryKind.Div => x / z,
                _ => Math.Max(x, z),
            };
        }
        return y;
    }

    private static long Offset(TensorShape shape, int[] coordinate)
    {
        long offset = 0;
        int skip = coordinate.Length - shape.Rank;
        for (int d = 0; d < shape.Rank; d++) offset = offset * shape[d] + (shape[d] == 1 ? 0 : coordinate[d + skip]);
        return offset;
    }

    /// <summary>Softmax along <paramref name="op"/>'s axis.</summary>
    public static double[] Softmax(Softmax op, double[] x, TensorShape shape)
    {
        var (outer, length, inner) = op.Rows(shape);
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                long start = (long)o * length * inner + j;
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < length; k++) max = Math.Max(max, x[start + k * inner]);
                for (int k = 0; k < length; k++) sum += Math.Exp(x[start + k * inner] - max);
                for (int k = 0; k < length; k++) y[start + k * inner] = Math.Exp(x[start + k * inner] - max) / sum;
            }
        return y;
    }
}
