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
/// launch's node and argument views. <see cref="Written"/> is the argument index of the view the kernel writes.
/// </summary>
public sealed record TacticCandidate(string Name, KernelLaunch Launch, int Written);

/// <summary>What measuring one candidate found: its median time, or why it was rejected (then it never runs).</summary>
public sealed record CandidateResult(string Name, double? MedianMs, string? Error);

/// <summary>
/// The choice for one launch: every candidate's result, the winner, and whether the choice came from the cache
/// (then <see cref="Candidates"/> holds the cached winner only, unmeasured).
/// </summary>
public sealed record TacticReport(string Layer, string Key, IReadOnlyList<CandidateResult> Candidates, string Winner, bool FromCache);
