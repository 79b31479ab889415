using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Ops;

namespace GpuEngine.Loading.Onnx;

/// <summary>The pointwise ops, broadcasting arithmetic, Softmax and Reshape's target.</summary>
internal sealed partial class OnnxImporter
{
    /// <summary>
    /// Add, Sub, Mul, Div, Max of two operands. Two same-shaped activations added stay an Add (fusable, int8-capable);
    /// everything else is a broadcasting <see cref="Binary"/>, a constant operand attached as its weight.
    /// </summary>
    private void ImportBinary(NodeProto n, ScopeReplay scopes)
    {
        if (n.Input.Count != 2) throw NodeError(n, $"has {n.Input.Count} inputs; two operands are supported");
        var kind = Enum.Parse<BinaryKind>(n.OpType);
        if (n.OpType is not "Max" && _opset < 7 && Attr(n, "broadcast") is not null)
            throw NodeError(n, "uses the legacy broadcast attribute");
        bool leftConstant = IsConstant(Input(n, 0)), rightConstant = IsConstant(Input(n, 1));
        if (leftConstant && rightConstant) throw NodeError(n, "has two constant operands that were not folded (too large or not float)");
        if (!leftConstant && !rightConstant)
        {
            var (a, b) = (Known(n, Input(n, 0)), Known(n, Input(n, 1)));
            Op op = kind == BinaryKind.Add && a == b ? new Add() : new Binary(kind);
            AddNode(n, NodeName(n, null), op, [Input(n, 0), Input(n, 1)], scopes);
            return;
        }
        var constant = Float(n, leftConstant ? 0 : 1, "constant");
        // A scalar constant is stored as one element: every weight has a rank.
        if (constant.Shape.Rank == 0) constant = Tensor.FromFloats(new TensorShape(1), constant.Floats);
        var binary = new Binary(kind, constant.Shape, leftConstant);
        AddNode(n, NodeName(n, null), binary, [Input(n, leftConstant ? 1 : 0)], scopes, new() { ["constant"] = constant });
    }

    private Unary UnaryOp(NodeProto n) => n.OpType switch
    {
        "Sigmoid" => new Unary(UnaryKind.Sigmoid),
        "HardSigmoid" => new Unary(UnaryKind.HardSigmoid, Attr(n, "alpha")?.F ?? 0.2f, Attr(n, "beta")?.F ?? 0.5f),
        "HardSwish" => new Unary(UnaryKind.HardSwish),
        _ => new Unary(UnaryKind.LeakyRelu, Attr(n, "alpha")?.F ?? 0.01f),
    };

    /// <summary>
    /// Softmax along <c>axis</c> (default -1 from opset 13, 1 before). Before 13 the input is flattened to 2-D at the axis;
    /// that equals the per-axis form when every dimension after the axis is 1, which is required.
    /// </summary>
    private Softmax SoftmaxOp(NodeProto n)
    {
        var x = Known(n, Input(n, 0));
        long axis = Int(n, "axis", _opset >= 13 ? -1 : 1);
        if (axis < -x.Rank || axis >= x.Rank) throw NodeError(n, $"has axis {axis} outside input {x}");
        int a = (int)(axis < 0 ? axis + x.Rank : axis);
        if (_opset < 13 && x.Dims.Skip(a + 1).Any(d => d != 1))
            throw NodeError(n, $"normalizes input {x} over the flattened dimensions from axis {a}; only the last non-unit axis is supported");
        return new Softmax(a);
    }

    /// <summary>The ONNX Reshape target: 0 copies the input's dimension (unless allowzero), one -1 takes what is left.</summary>
    private TensorShape ReshapeTarget(NodeProto n, TensorShape x, long[] shape)
    {
        if (Int(n, "allowzero", 0) != 0 && shape.Contains(0)) throw NodeError(n, "has allowzero with a zero dimension");
        var dims = new long[shape.Length];
        int infer = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            dims[i] = shape[i] == 0 && i < x.Rank ? x[i] : shape[i];
            if (dims[i] == -1)
            {
                if (infer >= 0) throw NodeError(n, "has two -1 dimensions in its shape");
                infer = i;
            }
            else if (dims[i] <= 0 || dims[i] > int.MaxValue) throw NodeError(n, $"has dimension {shape[i]} in its shape");
        }
        long known = dims.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (infer >= 0 && known > 0 && x.Elements % known == 0) dims[infer] = x.Elements / known;
        if (dims.Aggregate(1L, (p, d) => p * d) != x.Elements)
            throw NodeError(n, $"cannot reshape {x} ({x.Elements} elements) to [{string.Join(", ", shape)}]");
        return new TensorShape([.. dims.Select(d => (int)d)]);
    }

    private TensorShape Known(NodeProto n, string tensor) =>
        _shapes.TryGetValue(Resolve(tensor), out var known) ? known : throw NodeError(n, $"reads '{tensor}' before it is defined");
}
