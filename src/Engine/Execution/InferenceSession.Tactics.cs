using GpuEngine.Ir;
using GpuEngine.Execution.Tactics;

namespace GpuEngine.Execution;

public sealed partial class InferenceSession
{
    private readonly List<TacticReport> _tacticReports = [];
    private string?[] _chosenTactics = [];
    private volatile bool _tuned;

    /// <summary>What tactic selection chose per tuned launch (empty until the first input under <see cref="TacticMode.Tuned"/>).</summary>
    public IReadOnlyList<TacticReport> TacticReports => _tacticReports;

    /// <summary>
    /// Tactic selection on <paramref name="input"/> (done by the first <see cref="Run(Tensor)"/> under
    /// <see cref="TacticMode.Tuned"/>; call it directly to tune before profiling or before running from many threads):
    /// runs the first execution state's launches in order, and at each launch with candidates lets
    /// <see cref="TacticSelector"/> choose, so each candidate sees the inputs the chosen kernels before it computed.
    /// Later runs replay the chosen launches; execution states built later take the same choices. Once per session.
    /// </summary>
    public void Tune(Tensor input)
    {
        lock (_building)
        {
            if (_tuned) return;
            Write(_primary, InputMetadata[0].Name, input);
            var cache = Options.TacticCache ?? new TacticCache(TacticCache.DefaultPath, Options.Warn);
            var selector = new TacticSelector(Backend, cache);
            var launches = _primary.Launches.ToArray();
            var chosen = new string?[launches.Length];
            for (int i = 0; i < launches.Length; i++)
            {
                var candidates = TacticCandidates.For(launches[i], Backend);
                if (candidates.Count < 2)
                {
                    launches[i].Run(Backend);
                    continue;
                }
                var (winner, report) = selector.Select(candidates);
                launches[i] = winner.Launch;
                chosen[i] = winner.Name;
                _tacticReports.Add(report);
            }
            Backend.Synchronize();
            _primary.Launches = launches;
            _chosenTactics = chosen;
            _tuned = true;
        }
    }

    /// <summary>Gives a state built after tuning the same candidates, built from its own launches (its own arena).</summary>
    private void ApplyChosenTactics(ExecutionState state)
    {
        if (!_tuned) return;
        var launches = state.Launches.ToArray();
        for (int i = 0; i < launches.Length && i < _chosenTactics.Length; i++)
            if (_chosenTactics[i] is { } name)
                launches[i] = TacticCandidates.For(launches[i], Backend).First(c => c.Name == name).Launch;
        state.Launches = launches;
    }
}
