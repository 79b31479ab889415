using GpuEngine.Ir;
using GpuEngine.Execution.Tactics;

namespace GpuEngine.Execution;

public sealed partial class InferenceSession
{
    private readonly List<TacticReport> _tacticReports = [];
    private bool _tuned;

    /// <summary>What tactic selection chose per tuned launch (empty until the first input under <see cref="TacticMode.Tuned"/>).</summary>
    public IReadOnlyList<TacticReport> TacticReports => _tacticReports;

    /// <summary>
    /// Tactic selection on <paramref name="input"/> (done by the first <see cref="Run(Tensor)"/> under
    /// <see cref="TacticMode.Tuned"/>; call it directly to tune before profiling): runs the launches in order, and at each
    /// launch with candidates lets <see cref="TacticSelector"/> choose, so each candidate sees the inputs the chosen
    /// kernels before it computed. Later runs replay the chosen launches. Once per session; a no-op after.
    /// </summary>
    public void Tune(Tensor input)
    {
        if (_tuned) return;
        _tuned = true;
        WriteInput(InputMetadata[0].Name, input);
        var cache = Options.TacticCache ?? new TacticCache(TacticCache.DefaultPath, Options.Warn);
        var selector = new TacticSelector(Backend, cache);
        for (int i = 0; i < _launches.Length; i++)
        {
            var candidates = TacticCandidates.For(_launches[i]);
            if (candidates.Count < 2)
            {
                _launches[i].Run(Backend);
                continue;
            }
            var (winner, report) = selector.Select(candidates);
            _launches[i] = winner.Launch;
            _tacticReports.Add(report);
        }
        Backend.Synchronize();
    }
}
