using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;

namespace GpuEngine.Execution.Tactics;

/// <summary>How a session picks its conv and linear kernels.</summary>
public enum TacticMode
{
    /// <summary>
    /// The best-known kernel per launch, no measuring at the first run (the default): the launchers' kernels, and on the cpu
    /// device the SIMD tactics where one applies (<see cref="TacticCandidates.Fixed"/>).
    /// </summary>
    Fixed,

    /// <summary>Every candidate validated against the reference and timed on the first input; the fastest valid one runs.</summary>
    Tuned,
}

/// <summary>
/// One way to compute a launch: a name (stable, it keys the cache) and the launch it would run, with the reference
/// launch's node and argument views. <see cref="Written"/> is the argument index of the reference's view that the
/// candidate writes. A candidate may be a short sequence of launches over a scratch workspace (split-k: partial sums,
/// then a reduction): then <see cref="WorkspaceBytes"/> is its size and <see cref="Bind"/> gives the runnable
/// candidate once the session has allocated it (outside the planner's arena, one per chosen candidate and execution state).
/// </summary>
public sealed record TacticCandidate(string Name, KernelLaunch Launch, int Written)
{
    private readonly IReadOnlyList<KernelLaunch>? _sequence;

    /// <summary>Device bytes of scratch the candidate needs (0: none).</summary>
    public long WorkspaceBytes { get; init; }

    /// <summary>Makes the runnable candidate over a workspace of <see cref="WorkspaceBytes"/>; null when none is needed.</summary>
    public Func<DeviceBuffer, TacticCandidate>? Bind { get; init; }

    /// <summary>The workspace a bound candidate's launches use (owned by whoever allocated it).</summary>
    public DeviceBuffer? Workspace { get; init; }

    /// <summary>What the candidate runs, in order: <see cref="Launch"/> alone, or the bound sequence.</summary>
    public IReadOnlyList<KernelLaunch> Launches
    {
        get => _sequence ?? [Launch];
        init => _sequence = value;
    }

    /// <summary>Queues the launches in order.</summary>
    public void Run(Backend backend)
    {
        if (Bind is not null) throw new InvalidOperationException($"tactic '{Name}' needs its workspace bound before it runs");
        foreach (var launch in Launches) launch.Run(backend);
    }
}

/// <summary>What measuring one candidate found: its median time, or why it was rejected (then it never runs).</summary>
public sealed record CandidateResult(string Name, double? MedianMs, string? Error);

/// <summary>
/// The choice for one launch: every candidate's result, the winner, and whether the choice came from the cache
/// (then <see cref="Candidates"/> holds the cached winner only, unmeasured).
/// </summary>
public sealed record TacticReport(string Layer, string Key, IReadOnlyList<CandidateResult> Candidates, string Winner, bool FromCache);
