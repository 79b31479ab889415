using System.Collections.Immutable;
using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>A constant operand of a <see cref="Concat"/>: its place among all operands and its shape (the weight <c>constant{k}</c>).</summary>
public readonly record struct ConcatConstant(int Position, TensorShape Shape);

/// <summary>
/// Concatenation along <paramref name="Axis"/> (non-negative; the importer resolves ONNX's negative axes) of
/// <paramref name="Inputs"/> activations and, at their places among the operands, the <paramref name="Constants"/>
/// (a ConstantOfShape's zeros beside an activation: weights <c>constant0</c>, <c>constant1</c>, ...). Every other
/// dimension agrees; the output's axis is the sum of the operands'.
/// </summary>
public sealed record Concat(int Axis, int Inputs, ImmutableArray<ConcatConstant> Constants = default) : Op
{
    public override string TypeName => "Concat";
    public override int Arity => Inputs;

    /// <summary>The constant operands, empty (never default) when there are none.</summary>
    public ImmutableArray<ConcatConstant> ConstantOperands => Constants.IsDefault ? [] : Constants;

    public override IReadOnlyList<ParameterSpec> Parameters =>
        [.. ConstantOperands.Select((c, k) => new ParameterSpec(ConstantRole(k), c.Shape, Trainable: false))];

    /// <summary>The weight role of constant operand <paramref name="k"/>.</summary>
    public static string ConstantRole(int k) => $"constant{k}";

    /// <summary>
    /// Every operand in order: (activation index, -1) for the activations' shapes or (-1, constant index) for constants,
    /// with its shape.
    /// </summary>
    public IReadOnlyList<(int Activation, int Constant, TensorShape Shape)> Operands(IReadOnlyList<TensorShape> activations)
    {
        var operands = new List<(int, int, TensorShape)>();
        int a = 0, k = 0;
        var constants = ConstantOperands;
        for (int position = 0; position < activations.Count + constants.Length; position++)
        {
            if (k < constants.Length && constants[k].Position == position) operands.Add((-1, k, constants[k++].Shape));
            else if (a < activations.Count) operands.Add((a, -1, activations[a++]));
        }
        return operands;
    }

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var operands = Operands(inputs).Select(o => o.Shape).ToList();
        if (operands.Count != Inputs + ConstantOperands.Length) throw Mismatch(node, "has constant operands at places past the operand count");
        var first = operands[0];
        if (Axis < 0 || Axis >= first.Rank) throw Mismatch(node, $"has axis {Axis} outside input {first}");
        var dims = first.Dims.ToArray();
        foreach (var x in operands.Skip(1))
        {
            bool agree = x.Rank == first.Rank && Enumerable.Range(0, x.Rank).All(d => d == Axis || x[d] == first[d]);
            if (!agree) throw Mismatch(node, $"operands {first} and {x} differ outside axis {Axis}");
            dims[Axis] += x[Axis];
        }
        return new TensorShape(dims);
    }

    /// <summary>The product of the dims before the axis (the rows every operand copies one slice of).</summary>
    public static int Outer(TensorShape x, int axis)
    {
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= x[i];
        return outer;
    }

    public bool Equals(Concat? other) =>
        other is not null && Axis == other.Axis && Inputs == other.Inputs && ConstantOperands.SequenceEqual(other.ConstantOperands);

    public override int GetHashCode() => HashCode.Combine(Axis, Inputs, ConstantOperands.Length);
}
