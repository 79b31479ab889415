namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// A broadcast of two operands over a rank-4 output (as <c>BroadcastParams</c>: dims D0..D3, strides A*, B*, 0 along a
/// broadcast dimension), with size-1 dimensions dropped and neighbours merged wherever both operands are contiguous
/// across them. The innermost dimension is then as long as it can be, and each operand's innermost stride is 1 or 0.
/// </summary>
internal readonly record struct Fp32BroadcastShape(long Count, long D1, long D2, long D3, long A0, long A1, long A2, long A3, long B0, long B1, long B2, long B3)
{
    /// <summary>Both operands and the output of <paramref name="count"/> elements, same shape.</summary>
    public static Fp32BroadcastShape Flat(long count) => new(count, 1, 1, Math.Max(count, 1), 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>Collapses the launch's shape: output dims <paramref name="dims"/> (outermost first), operand strides <paramref name="a"/>, <paramref name="b"/>.</summary>
    public static Fp32BroadcastShape Collapse(long count, long[] dims, long[] a, long[] b)
    {
        // Innermost first: (size, stride a, stride b); a dimension merges into the one inside it when each operand's
        // outer stride is its inner stride times the inner size (both contiguous, or both broadcast).
        var merged = new List<(long D, long A, long B)>();
        for (int k = dims.Length - 1; k >= 0; k--)
        {
            if (dims[k] == 1) continue;
            if (merged.Count > 0 && merged[^1] is var inner && a[k] == inner.A * inner.D && b[k] == inner.B * inner.D)
                merged[^1] = (inner.D * dims[k], inner.A, inner.B);
            else merged.Add((dims[k], a[k], b[k]));
        }
        if (merged.Count > 4) throw new ArgumentException($"broadcast of rank {merged.Count} after collapsing (at most 4)");
        while (merged.Count < 4) merged.Add((1, 0, 0));
        var (d3, d2, d1, d0) = (merged[0], merged[1], merged[2], merged[3]);
        return new(count, d1.D, d2.D, d3.D, d0.A, d1.A, d2.A, d3.A, d0.B, d1.B, d2.B, d3.B);
    }
}
