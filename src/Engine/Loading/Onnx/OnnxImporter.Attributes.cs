using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Loading.Onnx;

internal sealed partial class OnnxImporter
{
    private string Input(NodeProto n, int index) =>
        index < n.Input.Count && n.Input[index].Length > 0 ? n.Input[index] : throw NodeError(n, $"lacks input {index}");

    private bool IsConstant(string name) => _constants.ContainsKey(name);

    /// <summary>A constant (initializer or Constant node) input as float32.</summary>
    private Tensor Float(NodeProto n, int index, string role)
    {
        string name = Input(n, index);
        if (!_constants.TryGetValue(name, out var t)) throw NodeError(n, $"takes {role} from '{name}', which is not a constant (initializer)");
        return OnnxTensors.ToFloat(t, _file);
    }

    private long[] Longs(NodeProto n, int index, string role)
    {
        string name = Input(n, index);
        if (!_constants.TryGetValue(name, out var t)) throw NodeError(n, $"takes {role} from '{name}', which is not a constant");
        return OnnxTensors.ToLongs(t, _file);
    }

    private static AttributeProto? Attr(NodeProto n, string name) => n.Attribute.FirstOrDefault(a => a.Name == name);

    private static long Int(NodeProto n, string name, long fallback) => Attr(n, name) is { HasI: true } a ? a.I : fallback;

    /// <summary>A two-element attribute (kernel_shape, strides, dilations) as (H, W).</summary>
    private Size2 Pair(NodeProto n, string name, Size2? fallback)
    {
        var a = Attr(n, name);
        if (a is null) return fallback ?? throw NodeError(n, $"lacks attribute {name}");
        if (a.Ints.Count != 2 || a.Ints.Any(v => v is <= 0 or > 1 << 16))
            throw NodeError(n, $"has {name} [{string.Join(", ", a.Ints)}]; two positive values (2-D) are expected");
        return new Size2((int)a.Ints[0], (int)a.Ints[1]);
    }

    /// <summary>Symmetric padding from pads [top, left, bottom, right] or auto_pad.</summary>
    private Size2 Padding(NodeProto n, Size2 kernel, Size2 stride, Size2 dilation)
    {
        string auto = Attr(n, "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        switch (auto)
        {
            case "NOTSET" or "":
                var a = Attr(n, "pads");
                if (a is null) return 0;
                if (a.Ints.Count != 4 || a.Ints.Any(v => v is < 0 or > 1 << 16))
                    throw NodeError(n, $"has pads [{string.Join(", ", a.Ints)}]; four non-negative values are expected");
                if (a.Ints[0] != a.Ints[2] || a.Ints[1] != a.Ints[3])
                    throw NodeError(n, $"has asymmetric pads [{string.Join(", ", a.Ints)}]; only symmetric padding is supported");
                return new Size2((int)a.Ints[0], (int)a.Ints[1]);
            case "VALID":
                return 0;
            case "SAME_UPPER" or "SAME_LOWER" when stride == new Size2(1, 1)
                && (dilation.H * (kernel.H - 1)) % 2 == 0 && (dilation.W * (kernel.W - 1)) % 2 == 0:
                return new Size2(dilation.H * (kernel.H - 1) / 2, dilation.W * (kernel.W - 1) / 2);
            default:
                throw NodeError(n, $"has auto_pad {auto} that needs asymmetric padding; only symmetric padding is supported");
        }
    }

    /// <summary>The value of a Constant node as a tensor proto (value, value_float(s), value_int(s)).</summary>
    private TensorProto ConstantValue(NodeProto n)
    {
        var a = n.Attribute.FirstOrDefault() ?? throw NodeError(n, "has no value");
        return a.Name switch
        {
            "value" when a.T is not null => a.T,
            "value_float" => OnnxTensors.Scalar(OutputOf(n), a.F),
            "value_floats" => new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, Dims = { a.Floats.Count }, FloatData = { a.Floats } },
            "value_int" => new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { a.I } },
            "value_ints" => OnnxTensors.Longs(OutputOf(n), [.. a.Ints]),
            _ => throw NodeError(n, $"has a value of kind '{a.Name}'; tensors, floats and ints are supported"),
        };
    }

    private static Tensor Transpose(Tensor m)
    {
        int rows = m.Shape[0], cols = m.Shape[1];
        var src = m.Floats;
        var dst = new float[src.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
        return Tensor.FromFloats(new TensorShape(cols, rows), dst);
    }

    private static Tensor Scale(Tensor t, float factor) =>
        factor == 1f ? t : Tensor.FromFloats(t.Shape, [.. t.Floats.Select(v => v * factor)]);

    /// <summary>A bias as a vector of <paramref name="features"/> (files also write [1, F]).</summary>
    private Tensor Bias(NodeProto n, Tensor bias, int features, float beta)
    {
        if (bias.Shape.Elements != features || bias.Shape.Dims.Count(d => d != 1) > 1)
            throw NodeError(n, $"has a bias of shape {bias.Shape}; a vector of {features} is expected");
        return Scale(Tensor.FromFloats(new TensorShape(features), bias.Floats), beta);
    }
}
