namespace GpuEngine.Planning;

/// <summary>
/// The packing problem offsets solve: buffers with aligned sizes and inclusive step lifetimes; two
/// buffers conflict when their lifetimes share a step, and conflicting buffers must not overlap in bytes.
/// </summary>
public sealed class OffsetProblem
{
    public OffsetProblem(IReadOnlyList<long> sizes, IReadOnlyList<int> first, IReadOnlyList<int> last)
    {
        if (sizes.Count != first.Count || sizes.Count != last.Count)
            throw new GpuEngineException($"offset problem: {sizes.Count} sizes, {first.Count} first steps and {last.Count} last steps differ in count");
        Sizes = [.. sizes];
        First = [.. first];
        Last = [.. last];
        var conflicts = new List<int>[Count];
        for (int i = 0; i < Count; i++)
        {
            if (Sizes[i] < 0 || Last[i] < First[i])
                throw new GpuEngineException($"offset problem: buffer {i} has size {Sizes[i]} and lifetime [{First[i]}, {Last[i]}]");
            conflicts[i] = [];
        }
        // Sweep in order of first step: only buffers still alive can conflict with the next one.
        var byFirst = Enumerable.Range(0, Count).OrderBy(i => First[i]).ToArray();
        var active = new List<int>();
        foreach (int b in byFirst)
        {
            active.RemoveAll(a => Last[a] < First[b]);
            foreach (int a in active)
            {
                conflicts[a].Add(b);
                conflicts[b].Add(a);
            }
            active.Add(b);
        }
        Conflicts = [.. conflicts.Select(c => c.ToArray())];
    }

    public int Count => Sizes.Length;
    public long[] Sizes { get; }
    public int[] First { get; }
    public int[] Last { get; }

    /// <summary>For each buffer, the buffers whose lifetimes share a step with it.</summary>
    public int[][] Conflicts { get; }

    /// <summary>True when buffers <paramref name="a"/> and <paramref name="b"/> are alive at a common step.</summary>
    public bool Overlap(int a, int b) => First[a] <= Last[b] && First[b] <= Last[a];
}
