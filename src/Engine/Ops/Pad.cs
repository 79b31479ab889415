using System.Collections.Immutable;
using GpuEngine.Ir;

namespace GpuEngine.Ops;

/// <summary>How <see cref="Pad"/> fills the border; the values are the kernel's codes.</summary>
public enum PadMode
{
    /// <summary>Every new element is the constant value.</summary>
    Constant = 0,
    /// <summary>Mirrors the input without repeating the edge element (NumPy's reflect).</summary>
    Reflect = 1,
    /// <summary>Repeats the edge element.</summary>
    Edge = 2,
}

/// <summary>
/// Adds <paramref name="Before"/>[d] elements before and <paramref name="After"/>[d] after along each dimension d (ONNX Pad,
/// non-negative pads), rank 4 at most. Reflect pads must be smaller than the dimension they mirror.
/// </summary>
public sealed record Pad(PadMode Mode, ImmutableArray<int> Before, ImmutableArray<int> After, float Value = 0) : Op
{
    /// <summary>The largest rank the kernel indexes.</summary>
    public const int MaxRank = 4;

    public override string TypeName => "Pad";

    protected override TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs)
    {
        var x = inputs[0];
        if (Before.Length != x.Rank || After.Length != x.Rank) throw Mismatch(node, $"has {Before.Length} + {After.Length} pads for input {x}");
        if (x.Rank > MaxRank) throw Mismatch(node, $"input {x} has rank above {MaxRank}");
        if (Before.Concat(After).Any(p => p < 0)) throw Mismatch(node, "has a negative pad (cropping is not supported)");
        for (int d = 0; d < x.Rank; d++)
        {
            if (Mode == PadMode.Reflect && Math.Max(Before[d], After[d]) >= x[d])
                throw Mismatch(node, $"reflects {Math.Max(Before[d], After[d])} elements of dimension {d} of {x}; at most {x[d] - 1} can be mirrored");
        }
        return new TensorShape([.. Enumerable.Range(0, x.Rank).Select(d => Before[d] + x[d] + After[d])]);
    }

    public bool Equals(Pad? other) =>
        other is not null && Mode == other.Mode && Before.SequenceEqual(other.Before) && After.SequenceEqual(other.After) && Value.Equals(other.Value);

    public override int GetHashCode() => HashCode.Combine(Mode, Value, Before.Concat(After).Aggregate(17, (h, p) => h * 31 + p));
}
