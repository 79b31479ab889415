using GpuEngine.Ir;

namespace GpuEngine.Planning;

/// <summary>What an executor does at a step.</summary>
public enum StepKind
{
    /// <summary>A kernel launch: reads the inputs, writes the output.</summary>
    Kernel,

    /// <summary>int8 addsum mode: turns the previous step's int32 addsum into the int8 output.</summary>
    Requantize,

    /// <summary>No launch: the output is a view of the input's bytes (Flatten, inference Dropout).</summary>
    View,
}

/// <summary>
/// One step of the planned execution, in order. A graph node is one step, except an int8 Conv2d or
/// Linear in addsum mode, which is two: the kernel (output <c>NAME.addsum</c>, int32) and its requantize step,
/// which also applies the node's fused activation (the epilogue moved out of the kernel).
/// </summary>
/// <param name="Index">Position in execution order; lifetimes are written in these indices.</param>
/// <param name="Name">The node's name, or <c>NAME.requantize</c>.</param>
/// <param name="Node">The graph node the step comes from.</param>
/// <param name="Inputs">Names of the planned tensors the step reads.</param>
/// <param name="Output">Name of the planned tensor the step writes.</param>
public sealed record PlanStep(int Index, string Name, StepKind Kind, Node Node, IReadOnlyList<string> Inputs, string Output)
{
    /// <summary>The op type as reports print it (Conv2d, ReLU, Requantize).</summary>
    public string TypeName => Kind == StepKind.Requantize ? "Requantize" : Node.Op.TypeName;

    /// <summary>The int32 accumulator tensor of an int8 Conv2d/Linear in addsum mode whose output is <paramref name="output"/>.</summary>
    public static string AddsumName(string output) => output + ".addsum";

    /// <summary>The requantize step of node <paramref name="node"/> in addsum mode.</summary>
    public static string RequantizeName(string node) => node + ".requantize";
}
