namespace GpuEngine.Planning;

/// <summary>Element precision of the activations the plan lays out.</summary>
public enum Precision
{
    /// <summary>float32 activations and weights (4 bytes an element).</summary>
    Fp32,

    /// <summary>int8 activations and weights, int32 biases and accumulators.</summary>
    Int8,
}

/// <summary>How an int8 Conv2d or Linear handles its int32 accumulators (ignored at fp32).</summary>
public enum Int8Mode
{
    /// <summary>The int32 addsum stays in registers; requantization happens in the kernel's epilogue.</summary>
    Fused,

    /// <summary>
    /// The seed tables' model: every Conv2d and Linear writes an int32 addsum buffer (4n bytes), then a
    /// requantize step turns it into the int8 output (n bytes).
    /// </summary>
    Addsum,
}

/// <summary>
/// What the planner is asked for. Defaults: fp32, fused, 256-byte alignment (the device's
/// allocation granule that keeps every tensor on its own cache-line / coalescing boundary),
/// 600 hill-climb iterations, seed 1 (plans are deterministic).
/// </summary>
public sealed record PlanOptions
{
    public Precision Precision { get; init; } = Precision.Fp32;
    public Int8Mode Mode { get; init; } = Int8Mode.Fused;

    /// <summary>Byte alignment of every offset in the arena and the weights region; a power of two. Default 256.</summary>
    public int Alignment { get; init; } = 256;

    /// <summary>Order swaps the hill climb tries after the greedy orders (0 = greedy only).</summary>
    public int HillClimbIterations { get; init; } = 600;

    /// <summary>Seed of the hill climb's random swaps, so the same graph always gets the same plan.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options and names the one that is wrong.</summary>
    public void Validate()
    {
        if (Alignment <= 0 || (Alignment & (Alignment - 1)) != 0)
            throw new GpuEngineException($"plan alignment must be a positive power of two, got {Alignment}");
        if (HillClimbIterations < 0)
            throw new GpuEngineException($"plan hill-climb iterations must not be negative, got {HillClimbIterations}");
        if (Precision == Precision.Fp32 && Mode == Int8Mode.Addsum)
            throw new GpuEngineException("plan mode 'addsum' needs precision int8 (fp32 has no int32 accumulators to keep)");
    }

    /// <summary><paramref name="bytes"/> rounded up to the alignment.</summary>
    public long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}
