using GpuEngine.Ir;
using GpuEngine.Execution.Launchers;
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
    /// A chosen candidate of several launches (split-k) takes their places in the launch list, and its workspace is one
    /// more buffer of the execution state (outside the planner's arena; counted in <see cref="DeviceBytes"/>).
    /// </summary>
    public void Tune(Tensor input)
    {
        lock (_building)
        {
            if (_tuned) return;
            Write(_primary, InputMetadata[0].Name, input);
            var cache = Options.TacticCache ?? new TacticCache(TacticCache.DefaultPath, Options.Warn);
            var selector = new TacticSelector(Backend, cache);
            var planned = _primary.Launches;
            var chosen = new string?[planned.Count];
            List<KernelLaunch> launches = [];
            for (int i = 0; i < planned.Count; i++)
            {
                var candidates = TacticCandidates.For(planned[i], Backend);
                if (candidates.Count < 2)
                {
                    planned[i].Run(Backend);
                    launches.Add(planned[i]);
                    continue;
                }
                var (winner, report) = selector.Select(candidates);
                if (winner.Workspace is { } workspace) _primary.Buffers.Add(workspace);
                launches.AddRange(winner.Launches);
                chosen[i] = winner.Name;
                _tacticReports.Add(report);
            }
            Backend.Synchronize();
            _primary.Launches = launches;
            _launchSteps = null;
            _chosenTactics = chosen;
            _tuned = true;
        }
    }

    /// <summary>Gives a state built after tuning the same candidates, built from its own launches (its own arena).</summary>
    private void ApplyChosenTactics(ExecutionState state)
    {
        if (!_tuned) return;
        var planned = state.Launches;
        List<KernelLaunch> launches = [];
        for (int i = 0; i < planned.Count; i++)
        {
            if (i >= _chosenTactics.Length || _chosenTactics[i] is not { } name)
            {
                launches.Add(planned[i]);
                continue;
            }
            var candidate = TacticCandidates.For(planned[i], Backend).First(c => c.Name == name);
            if (candidate.Bind is { } bind) candidate = bind(Allocate(candidate.WorkspaceBytes, state.Buffers));
            launches.AddRange(candidate.Launches);
        }
        state.Launches = launches;
    }
}
