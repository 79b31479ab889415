namespace GpuEngine.Planning;

/// <summary>
/// Places buffers in order of their first step, packing from both ends of an arena of a target size
/// (the lower bound): each buffer goes to the end opposite the latest-starting buffer it conflicts with,
/// lowest fitting offset at the bottom or highest at the top, and to the other end (or above everything)
/// when it does not fit. On a chain of activations (each alive with its neighbours only) this alternates
/// bottom, top, bottom ... and meets the bound exactly, where best fit by size can leave gaps.
/// </summary>
internal static class TwoEndedFit
{
    public static long Place(OffsetProblem p, long target, long[] offsets)
    {
        var order = Enumerable.Range(0, p.Count).OrderBy(b => p.First[b]).ThenByDescending(b => p.Last[b]).ToArray();
        var placed = new bool[p.Count];
        var atTop = new bool[p.Count];
        var busy = new List<(long Start, long End)>();
        long arena = 0;
        foreach (int b in order)
        {
            long size = p.Sizes[b];
            busy.Clear();
            int previous = -1;
            foreach (int c in p.Conflicts[b])
            {
                if (!placed[c]) continue;
                busy.Add((offsets[c], offsets[c] + p.Sizes[c]));
                if (previous < 0 || p.First[c] > p.First[previous] || (p.First[c] == p.First[previous] && c > previous)) previous = c;
            }
            busy.Sort();
            bool top = previous >= 0 && !atTop[previous];
            long offset = top ? Highest(busy, size, target) : Lowest(busy, size, target);
            if (offset < 0)
            {
                top = !top;
                offset = top ? Highest(busy, size, target) : Lowest(busy, size, target);
            }
            if (offset < 0)
            {
                top = false;
                offset = busy.Count == 0 ? 0 : busy.Max(x => x.End);
            }
            offsets[b] = offset;
            atTop[b] = top;
            placed[b] = true;
            arena = Math.Max(arena, offset + size);
        }
        return arena;
    }

    /// <summary>The lowest offset where <paramref name="size"/> bytes fit between the busy ranges below <paramref name="limit"/>, or -1.</summary>
    private static long Lowest(List<(long Start, long End)> busy, long size, long limit)
    {
        long cursor = 0;
        foreach (var (start, end) in busy)
        {
            if (start - cursor >= size) break;
            cursor = Math.Max(cursor, end);
        }
        return cursor + size <= limit ? cursor : -1;
    }

    /// <summary>The highest offset where <paramref name="size"/> bytes fit between the busy ranges below <paramref name="limit"/>, or -1.</summary>
    private static long Highest(List<(long Start, long End)> busy, long size, long limit)
    {
        long ceiling = limit;
        for (int i = busy.Count - 1; i >= -1; i--)
        {
            // Busy ranges sorted by start; the gap below 'ceiling' ends at the highest end among ranges starting lower.
            long floor = 0;
            for (int j = 0; j <= i; j++) floor = Math.Max(floor, busy[j].End);
            if (ceiling - floor >= size) return ceiling - size;
            if (i >= 0) ceiling = Math.Min(ceiling, busy[i].Start);
        }
        return -1;
    }
}
