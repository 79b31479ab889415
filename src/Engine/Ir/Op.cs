namespace GpuEngine.Ir;

/// <summary>
/// What a node computes. Ops are immutable records: equal attributes mean equal ops.
/// Each op family lives in one file under Ops/ with its shape rule and parameter list;
/// its cost formula sits in the profiler (Costs/&lt;Op&gt;Cost.cs) and its kernel in src/Kernels/Ops.
/// </summary>
public abstract record Op
{
    /// <summary>The type name used in reports (Conv2d, BatchNorm2d, ReLU, ...), as PyTorch prints it.</summary>
    public abstract string TypeName { get; }

    /// <summary>Number of activation inputs the op takes.</summary>
    public virtual int Arity => 1;

    /// <summary>Parameter tensors of the op by role ("weight", "bias", "running_mean", ...).</summary>
    public virtual IReadOnlyList<ParameterSpec> Parameters => [];

    /// <summary>Trainable parameter elements (PyTorch's count: BatchNorm running statistics are buffers, not parameters).</summary>
    public long ParameterCount => Parameters.Where(p => p.Trainable).Sum(p => p.Shape.Elements);

    /// <summary>
    /// The output shape for the given input shapes, or a <see cref="ShapeMismatchException"/>
    /// that names the op, the node and the shapes that disagree.
    /// </summary>
    public TensorShape InferShape(string node, IReadOnlyList<TensorShape> inputs)
    {
        if (inputs.Count != Arity)
            throw Mismatch(node, $"takes {Arity} input(s), got {inputs.Count}");
        return InferShapeCore(node, inputs);
    }

    protected abstract TensorShape InferShapeCore(string node, IReadOnlyList<TensorShape> inputs);

    protected ShapeMismatchException Mismatch(string node, string detail) => new($"{TypeName} '{node}': {detail}");

    /// <summary>Checks the rank of an input and names the node when it is wrong.</summary>
    protected void RequireRank(string node, TensorShape input, int rank, string layout)
    {
        if (input.Rank != rank)
            throw Mismatch(node, $"expects a rank-{rank} input ({layout}), got {input}");
    }
}

/// <summary>A parameter tensor of an op: its role, shape, and whether PyTorch counts it as a parameter.</summary>
public sealed record ParameterSpec(string Role, TensorShape Shape, bool Trainable = true, DataType DataType = DataType.Float32);

/// <summary>An activation applied in a kernel's epilogue after fusion.</summary>
public enum Activation
{
    None,
    Relu,
    Relu6,
}

/// <summary>A pair of sizes along height and width.</summary>
public readonly record struct Size2(int H, int W)
{
    public static implicit operator Size2(int both) => new(both, both);
    public int Area => H * W;
    public override string ToString() => H == W ? H.ToString() : $"{H}x{W}";
}
