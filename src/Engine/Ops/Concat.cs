using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>
/// Concatenation of <paramref name="Inputs"/> activations along <paramref name="Axis"/> (non-negative; the importer
/// resolves ONNX's negative axes): every other dimension agrees, the output's axis is the sum of the inputs'.
/// </summary>
public sealed record Concat(int Axis, int Inputs) : Op
{
    public override string TypeName => "Concat";
    public override int Arity => Inputs;

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var first = inputs[0];
        if (Axis < 0 || Axis >= first.Rank) throw Mismatch(node, $"has axis {Axis} outside input {first}");
        var dims = first.Dims.ToArray();
        foreach (var x in inputs.Skip(1))
        {
            bool agree = x.Rank == first.Rank && Enumerable.Range(0, x.Rank).All(d => d == Axis || x[d] == first[d]);
            if (!agree) throw Mismatch(node, $"inputs {first} and {x} differ outside axis {Axis}");
            dims[Axis] += x[Axis];
        }
        return new TensorShape(dims);
    }

    /// <summary>The product of the dims before the axis (the rows every input copies one slice of).</summary>
    public static int Outer(TensorShape x, int axis)
    {
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= x[i];
        return outer;
    }
}
