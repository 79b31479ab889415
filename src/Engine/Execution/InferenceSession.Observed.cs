using GpuEngine.Backends;
using GpuEngine.Ir;
using GpuEngine.Planning;

namespace GpuEngine.Execution;

/// <summary>
/// The observed run loop: the same launches the session runs, told to an <see cref="ILaunchObserver"/> with the
/// measurement it asks for. The profiler times the session only through this, so <c>run</c> and <c>profile</c> time
/// the same launches. Observed runs launch one by one (no CUDA graph) on the first execution state.
/// </summary>
public sealed partial class InferenceSession
{
    private int?[]? _launchSteps;

    /// <summary>Runs one inference on <paramref name="input"/> through the observed loop and returns the first output.</summary>
    public Tensor Run(Tensor input, ILaunchObserver observer)
    {
        Write(_primary, InputMetadata[0].Name, input);
        RunLaunches(observer);
        return Read(_primary, Quantization is null ? OutputMetadata[0].Name : DequantizedName(OutputMetadata[0].Name));
    }

    /// <summary>Queues one inference's launches on the first execution state (input written before) and reports them to <paramref name="observer"/>.</summary>
    public void RunLaunches(ILaunchObserver observer)
    {
        var launches = _primary.Launches;
        var steps = _launchSteps ??= [.. launches.Select(l => StepOf(l.Node))];
        if (observer.Measurement == LaunchMeasurement.Bytes)
        {
            for (int i = 0; i < launches.Count; i++)
                observer.OnLaunch(new LaunchEvent(i, launches[i].Kernel, launches[i].Node, steps[i], 0, 0, launches[i].RunCounting(Backend)));
            observer.OnRun(new RunEvent(launches.Count, 0));
            return;
        }
        bool each = observer.Measurement == LaunchMeasurement.PerLaunch;
        var events = new DeviceEvent[each ? launches.Count + 1 : 2];
        try
        {
            events[0] = Backend.RecordEvent();
            for (int i = 0; i < launches.Count; i++)
            {
                launches[i].Run(Backend);
                if (each) events[i + 1] = Backend.RecordEvent();
            }
            if (!each) events[1] = Backend.RecordEvent();
            Backend.Synchronize();
            if (each)
                for (int i = 0; i < launches.Count; i++)
                    observer.OnLaunch(new LaunchEvent(i, launches[i].Kernel, launches[i].Node, steps[i],
                        Backend.ElapsedMilliseconds(events[0], events[i]), Backend.ElapsedMilliseconds(events[i], events[i + 1]), 0));
            observer.OnRun(new RunEvent(launches.Count, Backend.ElapsedMilliseconds(events[0], events[^1])));
        }
        finally
        {
            foreach (var e in events) e?.Dispose();
        }
    }

    /// <summary>
    /// The plan step a launch executes, found by node identity (the plan and the launches share the execution graph's
    /// nodes, and the requantize nodes are the quantization pass's): a kernel step, or in addsum mode a requantize step;
    /// null for the int8 edges, which run outside the plan.
    /// </summary>
    private int? StepOf(Node node)
    {
        var steps = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        foreach (var s in Plan.Steps)
        {
            if (s.Kind == StepKind.Kernel) steps[s.Node] = s.Index;
            else if (s.Kind == StepKind.Requantize && Program.Int8?.Requantizes.GetValueOrDefault(s.Node.Name) is { } requantize) steps[requantize] = s.Index;
        }
        return steps.TryGetValue(node, out var step) ? step : null;
    }
}
