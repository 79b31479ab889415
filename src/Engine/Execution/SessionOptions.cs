using GpuEngine.Planning;

namespace GpuEngine.Execution;

/// <summary>How an <see cref="InferenceSession"/> prepares and runs a model. Every property states its default.</summary>
public sealed record SessionOptions
{
    /// <summary>auto (cuda, else opencl, else cpu), cpu, opencl or cuda. Default auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Fold BatchNorm into convolutions and fuse activations into epilogues. Default true.</summary>
    public bool OptimizeGraph { get; init; } = true;

    /// <summary>Turn train-time RepVGG blocks into their deploy form first. Default false (the graph runs as given).</summary>
    public bool Reparameterize { get; init; }

    /// <summary>
    /// Place activations in one planned arena (default true). False gives every tensor a buffer of its own
    /// (views still share their input's): the reference the planned run must equal.
    /// </summary>
    public bool PlanMemory { get; init; } = true;

    /// <summary>Planner settings (alignment, hill climb). Default <see cref="PlanOptions"/>' defaults.</summary>
    public PlanOptions Plan { get; init; } = new();
}
