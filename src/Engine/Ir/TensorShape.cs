using System.Collections.Immutable;

namespace GpuEngine.Ir;

/// <summary>
/// An immutable tensor shape, outermost dimension first (NCHW for feature maps, NF for features).
/// Written like <c>1x48x56x56</c>.
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    private readonly ImmutableArray<int> _dims;

    public TensorShape(params int[] dims)
    {
        foreach (var d in dims)
        {
            if (d <= 0) throw new ShapeMismatchException($"shape {string.Join('x', dims)} has a dimension that is not positive");
        }
        _dims = [.. dims];
    }

    public ImmutableArray<int> Dims => _dims.IsDefault ? [] : _dims;
    public int Rank => Dims.Length;
    public int this[int axis] => Dims[axis < 0 ? Rank + axis : axis];

    /// <summary>Number of elements (1 for a scalar shape).</summary>
    public long Elements
    {
        get
        {
            // Dimensions are positive ints; four of them can pass a long, which no tensor here may.
            long n = 1;
            foreach (var d in Dims)
            {
                if (n > long.MaxValue / d) throw new ShapeMismatchException($"shape {this} has more elements than a 64-bit count holds");
                n *= d;
            }
            return n;
        }
    }

    /// <summary>Batch size N of an NCHW or NF shape.</summary>
    public int N => this[0];
    public int C => this[1];
    public int H => this[2];
    public int W => this[3];

    /// <summary>Parses <c>2x3x112x112</c> (also accepts commas or spaces as separators).</summary>
    public static TensorShape Parse(string text)
    {
        var parts = text.Split(['x', 'X', ',', ' ', '×'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new GpuEngineException($"shape '{text}' is empty; write it like 1x3x224x224");
        var dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out dims[i]) || dims[i] <= 0)
                throw new GpuEngineException($"shape '{text}': '{parts[i]}' is not a positive whole number; write it like 1x3x224x224");
        }
        return new TensorShape(dims);
    }

    public TensorShape WithDim(int axis, int value)
    {
        var dims = Dims.ToArray();
        dims[axis < 0 ? Rank + axis : axis] = value;
        return new TensorShape(dims);
    }

    public override string ToString() => string.Join('x', Dims);
    public bool Equals(TensorShape other) => Dims.AsSpan().SequenceEqual(other.Dims.AsSpan());
    public override bool Equals(object? obj) => obj is TensorShape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }
    public static bool operator ==(TensorShape a, TensorShape b) => a.Equals(b);
    public static bool operator !=(TensorShape a, TensorShape b) => !a.Equals(b);
}
