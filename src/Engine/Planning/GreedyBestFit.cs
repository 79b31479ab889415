namespace GpuEngine.Planning;

/// <summary>
/// Places buffers one by one in a given order (TensorFlow Lite's arena planner does this with the
/// order "largest first"): each buffer goes into the smallest gap between the already placed buffers
/// it conflicts with that is big enough (best fit; lowest offset on ties), or above all of them.
/// </summary>
internal sealed class GreedyBestFit(OffsetProblem problem)
{
    private readonly long[] _offsets = new long[problem.Count];
    private readonly bool[] _placed = new bool[problem.Count];
    private readonly List<(long Start, long End)> _busy = [];

    /// <summary>Places every buffer in <paramref name="order"/>; returns the arena size (top of the highest buffer).</summary>
    public long Place(IReadOnlyList<int> order, long[] offsets)
    {
        Array.Clear(_placed);
        long arena = 0;
        foreach (int b in order)
        {
            long size = problem.Sizes[b];
            _busy.Clear();
            foreach (int c in problem.Conflicts[b])
            {
                if (_placed[c]) _busy.Add((_offsets[c], _offsets[c] + problem.Sizes[c]));
            }
            _busy.Sort();
            long best = -1, bestGap = long.MaxValue, cursor = 0;
            foreach (var (start, end) in _busy)
            {
                long gap = start - cursor;
                if (gap >= size && gap < bestGap)
                {
                    best = cursor;
                    bestGap = gap;
                }
                cursor = Math.Max(cursor, end);
            }
            _offsets[b] = best >= 0 ? best : cursor;
            _placed[b] = true;
            arena = Math.Max(arena, _offsets[b] + size);
        }
        Array.Copy(_offsets, offsets, offsets.Length);
        return arena;
    }
}
