using GpuEngine.Ir;

namespace GpuEngine.Planning;

/// <summary>Why a tensor is in the arena.</summary>
public enum TensorRole
{
    /// <summary>Written by the executor before step 0 (the user's input).</summary>
    GraphInput,

    /// <summary>An op's output that later steps read.</summary>
    Activation,

    /// <summary>An int32 accumulator of an int8 Conv2d/Linear in addsum mode, alive during the op and its requantize step.</summary>
    Addsum,

    /// <summary>Read back by the executor after the last step.</summary>
    GraphOutput,
}

/// <summary>How a tensor got its bytes.</summary>
public enum Placement
{
    /// <summary>A buffer of its own.</summary>
    Own,

    /// <summary>A view of its input (Flatten, inference Dropout): same bytes, no copy.</summary>
    Alias,

    /// <summary>Written over an input that dies at this step (ReLU, BatchNorm, Add; see <see cref="InPlaceRules"/>).</summary>
    InPlace,
}

/// <summary>
/// A tensor of the plan: where its bytes are in the arena and when they are alive.
/// Several tensors can share one buffer (views, in-place ops); they then have the same offset.
/// </summary>
/// <param name="Bytes">Exact bytes of the tensor (elements x element size), before alignment.</param>
/// <param name="Offset">Byte offset in the activation arena; a multiple of the plan's alignment.</param>
/// <param name="FirstStep">The step that writes it (0 for graph inputs).</param>
/// <param name="LastStep">The last step that reads it (the last step for graph outputs).</param>
/// <param name="Buffer">Index into <see cref="MemoryPlan.Buffers"/>.</param>
public sealed record PlannedTensor(
    string Name, TensorShape Shape, DataType DataType, long Bytes, long Offset,
    int FirstStep, int LastStep, int Buffer, TensorRole Role, Placement Placement)
{
    /// <summary>The tensor's bytes in the arena, to hand to a kernel (with a backend: <c>KernelArgument.View(arena, Offset, Elements)</c>).</summary>
    public ArenaView View => new(Offset, Bytes);

    /// <summary>Elements of <see cref="DataType"/> the tensor holds.</summary>
    public long Elements => Shape.Elements;

    /// <summary>True when the tensor's bytes hold data at <paramref name="step"/>.</summary>
    public bool IsAliveAt(int step) => FirstStep <= step && step <= LastStep;
}

/// <summary>
/// A buffer of the arena: the unit offsets are given to. Its lifetime spans all tensors that share it.
/// </summary>
/// <param name="AlignedBytes">The bytes it reserves: its largest tensor rounded up to the alignment.</param>
public sealed record PlannedBuffer(int Index, long Offset, long AlignedBytes, int FirstStep, int LastStep, IReadOnlyList<string> Tensors)
{
    public long End => Offset + AlignedBytes;
    public bool IsAliveAt(int step) => FirstStep <= step && step <= LastStep;
    public bool Overlaps(PlannedBuffer other) => FirstStep <= other.LastStep && other.FirstStep <= LastStep;
}
