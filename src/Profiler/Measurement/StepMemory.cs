using GpuEngine.Planning;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// RASP's device-memory columns for one plan step, exact from the memory plan (the executor allocates nothing else:
/// one arena at the planned offsets, one weights region, no temporaries). Bytes are the tensors' exact bytes; tensors
/// that share a buffer (views, in-place outputs) count once.
/// </summary>
/// <param name="NetDevMem">Activation bytes alive when the step starts (its inputs and everything kept for later steps).</param>
/// <param name="DevMemAlloc">Bytes the step adds: its output, unless written in place or a view.</param>
/// <param name="DevMaxMemAlloc">The peak while it runs: <see cref="NetDevMem"/> + <see cref="DevMemAlloc"/>.</param>
public readonly record struct StepMemory(long NetDevMem, long DevMemAlloc, long DevMaxMemAlloc)
{
    /// <summary>The memory columns of every step of <paramref name="plan"/>, by step index.</summary>
    public static IReadOnlyList<StepMemory> Of(MemoryPlan plan) => [.. plan.Steps.Select(s => At(plan, s.Index))];

    public static StepMemory At(MemoryPlan plan, int step)
    {
        bool WrittenHere(PlannedTensor t) => t.FirstStep == step && t.Role != TensorRole.GraphInput;
        long before = Level(plan.AliveAt(step).Where(t => !WrittenHere(t)));
        long added = plan.Tensors.Where(t => WrittenHere(t) && t.Placement == Placement.Own).Sum(t => t.Bytes);
        return new StepMemory(before, added, before + added);
    }

    /// <summary>Bytes that <paramref name="tensors"/> hold together; tensors sharing a buffer count once.</summary>
    public static long Level(IEnumerable<PlannedTensor> tensors) => tensors.GroupBy(t => t.Buffer).Sum(g => g.Max(t => t.Bytes));

    /// <summary>
    /// A step outside the plan that writes <paramref name="bytes"/> into a buffer of its own beside the arena while the
    /// plan holds <paramref name="level"/> (an int8 session's Quantize before the first step, Dequantize after the last).
    /// </summary>
    public static StepMemory Outside(long level, long bytes) => new(level, bytes, level + bytes);

    /// <summary>
    /// A layer that runs as this step and then <paramref name="next"/> (an int8 addsum-mode kernel and its requantize,
    /// an edge conversion and the layer's kernel): the level when it starts, the bytes both add, the higher peak.
    /// </summary>
    public StepMemory Then(StepMemory next) => new(NetDevMem, DevMemAlloc + next.DevMemAlloc, Math.Max(DevMaxMemAlloc, next.DevMaxMemAlloc));
}
