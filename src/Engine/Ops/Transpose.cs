using System.Collections.Immutable;
using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>
/// Permutes the axes: output dimension k is input dimension <c>Perm[k]</c> (ONNX Transpose; tf2onnx writes
/// [0, 3, 1, 2] to turn NHWC inputs into NCHW). Rank 4 at most, as the kernel indexes.
/// </summary>
public sealed record Transpose(ImmutableArray<int> Perm) : Op
{
    /// <summary>The largest rank the kernel indexes.</summary>
    public const int MaxRank = 4;

    public override string TypeName => "Transpose";

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        if (Perm.Length != x.Rank || Perm.Order().Where((p, i) => p != i).Any())
            throw Mismatch(node, $"perm [{string.Join(", ", Perm)}] is no permutation of the axes of {x}");
        if (x.Rank > MaxRank) throw Mismatch(node, $"input {x} has rank above {MaxRank}");
        return new TensorShape([.. Perm.Select(p => x[p])]);
    }

    public bool Equals(Transpose? other) => other is not null && Perm.SequenceEqual(other.Perm);

    public override int GetHashCode() => Perm.Aggregate(17, (h, p) => h * 31 + p);
}
