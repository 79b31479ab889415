using System.Collections.Immutable;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Ops;

namespace GpuEngine.Loading.Onnx;

/// <summary>Concat, Transpose and Pad of activations, and ConstantOfShape too large to be shape arithmetic.</summary>
internal sealed partial class OnnxImporter
{
    /// <summary>Elements a ConstantOfShape may materialize as a graph constant (a weight of the op that reads it).</summary>
    private const long MaxFilledConstant = 1L << 26;

    /// <summary>
    /// Concat along any axis (negative from opset 11) of activations and float constants (a ConstantOfShape's zeros, an
    /// initializer): the constants become the op's weights. Constants only are shape arithmetic, folded before this.
    /// </summary>
    private void ImportConcat(NodeProto n, ScopeReplay scopes)
    {
        if (n.Input.Count == 0 || n.Input.Any(i => i.Length == 0)) throw NodeError(n, "has a missing input");
        if (Attr(n, "axis") is not { HasI: true }) throw NodeError(n, "lacks attribute axis");
        var activations = n.Input.Where(i => !IsConstant(i)).ToArray();
        if (activations.Length == 0) throw NodeError(n, "concatenates only constants that were not folded (too large or not float)");
        var first = Known(n, activations[0]);
        long axis = Int(n, "axis", 0);
        if (axis < -first.Rank || axis >= first.Rank) throw NodeError(n, $"has axis {axis} outside input {first}");
        int a = (int)(axis < 0 ? axis + first.Rank : axis);
        foreach (var input in activations) Known(n, input);
        var constants = new List<ConcatConstant>();
        var weights = new Dictionary<string, Tensor>();
        for (int i = 0; i < n.Input.Count; i++)
        {
            if (!IsConstant(n.Input[i])) continue;
            var tensor = Float(n, i, "a constant operand");
            weights[Concat.ConstantRole(constants.Count)] = tensor;
            constants.Add(new ConcatConstant(i, tensor.Shape));
        }
        AddNode(n, NodeName(n, null), new Concat(a, activations.Length, [.. constants]), activations, scopes, weights);
    }

    /// <summary>Transpose by <c>perm</c> (default: the axes reversed).</summary>
    private void ImportTranspose(NodeProto n, ScopeReplay scopes)
    {
        var x = Known(n, Input(n, 0));
        var perm = Attr(n, "perm") is { } a ? a.Ints.ToArray() : [.. Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i)];
        if (perm.Length != x.Rank || perm.Order().Where((p, i) => p != i).Any())
            throw NodeError(n, $"has perm [{string.Join(", ", perm)}], which is no permutation of the {x.Rank} axes of {x}");
        if (x.Rank > Ops.Transpose.MaxRank) throw NodeError(n, $"transposes {x}; tensors of rank {Ops.Transpose.MaxRank} at most are supported");
        AddNode(n, NodeName(n, null), new Ops.Transpose([.. perm.Select(p => (int)p)]), [Input(n, 0)], scopes);
    }

    /// <summary>
    /// Pad in constant, reflect or edge mode; pads [x1_begin, x2_begin, ..., x1_end, x2_end] from the attribute (opset &lt; 11)
    /// or a constant input, the fill from the value attribute or the optional constant_value input, opset 18's axes input.
    /// </summary>
    private void ImportPad(NodeProto n, ScopeReplay scopes)
    {
        var x = Known(n, Input(n, 0));
        string modeName = Attr(n, "mode")?.S.ToStringUtf8() ?? "constant";
        var mode = modeName switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            _ => throw NodeError(n, $"has mode '{modeName}'; constant, reflect and edge are supported"),
        };
        long[] pads;
        float value = 0;
        if (_opset < 11)
        {
            pads = Attr(n, "pads") is { } a ? [.. a.Ints] : throw NodeError(n, "lacks attribute pads");
            value = Attr(n, "value")?.F ?? 0f;
        }
        else
        {
            pads = Longs(n, 1, "pads");
            if (n.Input.Count > 2 && n.Input[2].Length > 0)
            {
                var fill = Float(n, 2, "constant_value");
                if (fill.Shape.Elements != 1) throw NodeError(n, $"has a constant_value of shape {fill.Shape}; a scalar is expected");
                value = fill.Floats[0];
            }
        }
        var axes = n.Input.Count > 3 && n.Input[3].Length > 0 ? Longs(n, 3, "axes") : [.. Enumerable.Range(0, x.Rank).Select(i => (long)i)];
        if (pads.Length != 2 * axes.Length) throw NodeError(n, $"has {pads.Length} pads for {axes.Length} axes of input {x}; 2 per axis are expected");
        if (pads.Any(p => p < 0 || p > 1 << 20)) throw NodeError(n, $"has pads [{string.Join(", ", pads)}]; non-negative pads are supported (no cropping)");
        if (x.Rank > Pad.MaxRank) throw NodeError(n, $"pads {x}; tensors of rank {Pad.MaxRank} at most are supported");
        var before = new int[x.Rank];
        var after = new int[x.Rank];
        for (int k = 0; k < axes.Length; k++)
        {
            long axis = axes[k] < 0 ? axes[k] + x.Rank : axes[k];
            if (axis < 0 || axis >= x.Rank) throw NodeError(n, $"has axis {axes[k]} outside input {x}");
            before[axis] = (int)pads[k];
            after[axis] = (int)pads[k + axes.Length];
        }
        AddNode(n, NodeName(n, null), new Pad(mode, [.. before], [.. after], value), [Input(n, 0)], scopes);
    }

    /// <summary>
    /// A ConstantOfShape of a constant shape too large for shape arithmetic (a zero tensor an Add or Mul reads): becomes a
    /// float constant, as an initializer would be, so no kernel fills it. False where it is small (folding handles it).
    /// </summary>
    private bool TryFilledConstant(NodeProto n)
    {
        if (n.Input.Count < 1 || !_constants.TryGetValue(n.Input[0], out var shapeTensor)) return false;
        var dims = OnnxTensors.ToLongs(shapeTensor, _file);
        long count = ModelFile.CheckedElements(dims, MaxFilledConstant);
        if (count >= 0 && count <= ShapeConstant.MaxElements) return false;
        if (count < 0 || dims.Any(d => d <= 0 || d > int.MaxValue))
            throw NodeError(n, $"makes a tensor of shape [{string.Join(", ", dims)}]; positive dimensions and at most {MaxFilledConstant} elements are supported");
        var value = Attr(n, "value")?.T;
        float fill = 0;
        if (value is not null)
        {
            if (value.DataType != (int)TensorProto.Types.DataType.Float)
                throw NodeError(n, $"fills {count} elements with {OnnxTensors.TypeName(value.DataType)}; large constants are float32");
            fill = OnnxTensors.ToFloat(value, _file).Floats.FirstOrDefault();
        }
        var values = new float[count];
        Array.Fill(values, fill);
        _constants[OutputOf(n)] = OnnxTensors.FromFloat(OutputOf(n), Tensor.FromFloats(new TensorShape([.. dims.Select(d => (int)d)]), values));
        return true;
    }
}
