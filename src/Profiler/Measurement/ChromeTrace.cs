using System.Text.Json;
using System.Text.Json.Nodes;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// Writes the last per-kernel run as a Chrome trace (the JSON Trace Event Format that chrome://tracing and Perfetto open):
/// one complete event ("ph": "X") per kernel launch, start and duration in microseconds from the device's events,
/// on one track named after the device; the analytic cost and the latency statistics go in each event's args.
/// </summary>
public static class ChromeTrace
{
    public static void Write(SessionProfile profile, TextWriter writer)
    {
        var session = profile.Session;
        var steps = SessionSteps.Of(session).ToDictionary(s => s.Name);
        var events = new JsonArray
        {
            Metadata("process_name", $"gpuengine {session.Model.Name}"),
            Metadata("thread_name", $"{session.Backend.Name}: {session.Backend.DeviceDescription}"),
        };
        var seen = new HashSet<string>();
        foreach (var k in profile.Kernels)
        {
            var step = steps[k.Launch.Node.Name];
            var cost = seen.Add(step.Name) ? step.Cost : null;
            events.Add(new JsonObject
            {
                ["name"] = $"{step.Name} ({k.Launch.Kernel.Name})",
                ["cat"] = step.Type,
                ["ph"] = "X",
                ["ts"] = k.StartMs * 1000,
                ["dur"] = k.DurationMs * 1000,
                ["pid"] = 1,
                ["tid"] = 1,
                ["args"] = new JsonObject
                {
                    ["launch"] = k.Index,
                    ["covers"] = string.Join('+', step.Covers),
                    ["flops"] = cost?.Flops ?? 0,
                    ["mem_rw"] = cost?.MemRw ?? 0,
                    ["latency_median_ms"] = k.Latency.MedianMs,
                    ["latency_p90_ms"] = k.Latency.P90Ms,
                    ["latency_min_ms"] = k.Latency.MinMs,
                },
            });
        }
        var root = new JsonObject
        {
            ["traceEvents"] = events,
            ["displayTimeUnit"] = "ms",
            ["otherData"] = new JsonObject
            {
                ["model"] = session.Model.Name,
                ["device"] = session.Backend.DeviceDescription,
                ["precision"] = CostPrecision.Of(session.Options).ToString(),
                ["end_to_end_median_ms"] = profile.EndToEnd.MedianMs,
                ["per_kernel_run_median_ms"] = profile.PerKernelRun.MedianMs,
            },
        };
        writer.WriteLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonObject Metadata(string name, string value) => new()
    {
        ["name"] = name,
        ["ph"] = "M",
        ["pid"] = 1,
        ["tid"] = 1,
        ["args"] = new JsonObject { ["name"] = value },
    };
}
