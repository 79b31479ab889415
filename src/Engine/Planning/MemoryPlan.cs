namespace GpuEngine.Planning;

/// <summary>
/// An explicit memory plan: execution steps, every tensor's lifetime and offset in one activation arena,
/// the weights region, and the figures to judge the plan by. An executor allocates <see cref="ArenaBytes"/>
/// and <see cref="WeightsBytes"/> once, uploads the weights at <see cref="Weights"/>' offsets, writes the graph
/// inputs at their views, runs <see cref="Steps"/> in order (skipping <see cref="StepKind.View"/> steps),
/// binding each step's tensors by <see cref="Tensor"/>, and reads the outputs back.
/// </summary>
public sealed class MemoryPlan
{
    private readonly Dictionary<string, PlannedTensor> _byName;

    internal MemoryPlan(string graph, PlanOptions options, IReadOnlyList<PlanStep> steps, IReadOnlyList<PlannedTensor> tensors,
        IReadOnlyList<PlannedBuffer> buffers, IReadOnlyList<PlannedWeight> weights, long arenaBytes, long lowerBoundBytes,
        long naiveBytes, long greedyBySizeBytes, IReadOnlyList<long> liveBytes, string strategy, TimeSpan planningTime)
    {
        Graph = graph;
        Options = options;
        Steps = steps;
        Tensors = tensors;
        Buffers = buffers;
        Weights = weights;
        ArenaBytes = arenaBytes;
        LowerBoundBytes = lowerBoundBytes;
        NaiveBytes = naiveBytes;
        GreedyBySizeBytes = greedyBySizeBytes;
        LiveBytes = liveBytes;
        Strategy = strategy;
        PlanningTime = planningTime;
        _byName = tensors.ToDictionary(t => t.Name);
    }

    public string Graph { get; }
    public PlanOptions Options { get; }
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>Every planned tensor: graph inputs first, then step outputs in step order.</summary>
    public IReadOnlyList<PlannedTensor> Tensors { get; }
    public IReadOnlyList<PlannedBuffer> Buffers { get; }
    public IReadOnlyList<PlannedWeight> Weights { get; }

    /// <summary>Bytes of the activation arena: the top of the highest buffer (a multiple of the alignment).</summary>
    public long ArenaBytes { get; }

    /// <summary>The largest total of aligned buffer bytes alive at one step (see <see cref="LowerBound"/>).</summary>
    public long LowerBoundBytes { get; }

    /// <summary>Bytes with no reuse at all: every tensor that is not a view in its own aligned buffer, no in-place.</summary>
    public long NaiveBytes { get; }

    /// <summary>The arena plain greedy-by-size best fit (TensorFlow Lite's planner) needs for the same buffers; ArenaBytes is never more.</summary>
    public long GreedyBySizeBytes { get; }

    /// <summary>Bytes of the weights region (each parameter aligned).</summary>
    public long WeightsBytes => Weights.Count == 0 ? 0 : Weights[^1].Offset + Options.Align(Weights[^1].Bytes);

    /// <summary>Aligned bytes alive at each step: the profile whose maximum is the lower bound.</summary>
    public IReadOnlyList<long> LiveBytes { get; }

    /// <summary>Which placement order won (greedy-by-size, ..., with "+hill-climb" when the climb improved it).</summary>
    public string Strategy { get; }
    public TimeSpan PlanningTime { get; }

    /// <summary>ArenaBytes / LowerBoundBytes (1 when both are 0).</summary>
    public double Ratio => LowerBoundBytes == 0 ? 1 : (double)ArenaBytes / LowerBoundBytes;

    public IEnumerable<PlannedTensor> Inputs => Tensors.Where(t => t.Role == TensorRole.GraphInput);
    public IEnumerable<PlannedTensor> Outputs => Tensors.Where(t => t.Role == TensorRole.GraphOutput);

    /// <summary>A tensor by name, or an error naming the tensor and the graph.</summary>
    public PlannedTensor Tensor(string name) => _byName.TryGetValue(name, out var t)
        ? t
        : throw new GpuEngineException($"the plan of '{Graph}' has no tensor named '{name}'");

    /// <summary>The tensors alive at <paramref name="step"/>.</summary>
    public IEnumerable<PlannedTensor> AliveAt(int step) => Tensors.Where(t => t.IsAliveAt(step));
}
