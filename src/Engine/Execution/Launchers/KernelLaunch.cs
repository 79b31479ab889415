using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Kernels;

namespace GpuEngine.Execution.Launchers;

/// <summary>
/// One kernel launch of a session, prepared once: the node it computes, the kernel, the grid and the arguments
/// (views into the session's arena and weights, fixed by the memory plan). Running a model replays these.
/// </summary>
public sealed record KernelLaunch(Node Node, KernelDescriptor Kernel, LaunchGrid Grid, KernelArgument[] Arguments)
{
    public void Run(Backend backend) => backend.Launch(Kernel, Grid, Arguments);

    /// <summary>
    /// The launch whose counting stands for this one's (null: this one counts itself). The cpu SIMD tactics read memory
    /// through pointers, not counted views, so they count as their reference kernel: the reference runs counted, then
    /// this launch runs again so the output is this launch's.
    /// </summary>
    public KernelLaunch? CountedAs { get; init; }

    /// <summary>
    /// Whether, counted as <see cref="CountedAs"/>, this launch runs again after the counted reference (so the output is
    /// its own). False for an in-place launch (its output is one of its inputs): run twice it would compute twice, so the
    /// counted reference's output stands.
    /// </summary>
    public bool RerunsAfterCounting { get; init; } = true;

    /// <summary>Runs the launch counting the bytes it moves in device memory (<see cref="Backend.LaunchCounting"/>).</summary>
    public long RunCounting(Backend backend)
    {
        if (CountedAs is null) return backend.LaunchCounting(Kernel, Grid, Arguments);
        long bytes = CountedAs.RunCounting(backend);
        if (RerunsAfterCounting) Run(backend);
        return bytes;
    }
}

/// <summary>Bytes of a device buffer that hold one tensor: the buffer, the byte offset, the element count.</summary>
public readonly record struct BufferSlice(DeviceBuffer Buffer, long ByteOffset, long Elements)
{
    public KernelArgument Argument => KernelArgument.View(Buffer, ByteOffset, Elements);
}

/// <summary>
/// What a launcher needs to turn a node into launches: shapes from the graph, device views of activations
/// (from the memory plan) and of weights (from the weights region).
/// </summary>
public sealed class LaunchContext(Ir.Graph graph, Func<string, BufferSlice> activation, Func<string, BufferSlice> weight, BufferSlice empty)
{
    public Ir.Graph Graph { get; } = graph;

    public TensorShape Shape(string tensor) => Graph.Tensor(tensor).Shape;

    /// <summary>The view of activation tensor <paramref name="name"/>.</summary>
    public KernelArgument Tensor(string name) => activation(name).Argument;

    public BufferSlice Slice(string name) => activation(name);

    /// <summary>The view of a node's parameter (role weight, bias, ...).</summary>
    public KernelArgument Weight(Node node, string role) => weight(node.ParameterName(role)).Argument;

    /// <summary>The parameter's view, or an empty view where the op has none (a kernel told hasBias = 0 never reads it).</summary>
    public KernelArgument OptionalWeight(Node node, string role, bool present) => present ? Weight(node, role) : empty.Argument;
}
