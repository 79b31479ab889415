using System.Text.Json;
using System.Text.Json.Nodes;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// One Chrome trace with two processes: the engine's run (pid 1, from <see cref="ChromeTrace"/>) and ONNX Runtime's
/// (pid 2, from the JSON file its profiler wrote), each shifted to start at ts 0 so one viewer lays them side by side.
/// Of ONNX Runtime's profile only the last <c>model_run</c> and the events inside it are kept, as the engine's trace
/// shows its last run.
/// </summary>
public static class TraceMerge
{
    public const int PeerPid = 2;

    public static void Write(IEnumerable<JsonObject> engineEvents, string onnxRuntimeProfile, string peerName, TextWriter writer)
    {
        var events = new JsonArray([.. engineEvents]);
        foreach (var e in PeerEvents(File.ReadAllText(onnxRuntimeProfile), peerName)) events.Add(e);
        writer.WriteLine(events.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>ONNX Runtime's last run from its profile JSON, moved to pid 2 and ts 0.</summary>
    public static IEnumerable<JsonObject> PeerEvents(string profileJson, string peerName)
    {
        var all = (JsonNode.Parse(profileJson) as JsonArray ?? throw new GpuEngineException("ONNX Runtime's profile is not a JSON array of events"))
            .OfType<JsonObject>().ToList();
        var run = all.LastOrDefault(e => (string?)e["name"] == "model_run")
            ?? throw new GpuEngineException("ONNX Runtime's profile has no model_run event");
        double start = Number(run["ts"]), end = start + Number(run["dur"]);
        yield return Metadata("process_name", peerName);
        foreach (var e in all)
        {
            if ((string?)e["ph"] != "X") continue;
            double ts = Number(e["ts"]);
            if (ts < start || ts > end) continue;
            var copy = (JsonObject)e.DeepClone();
            copy["pid"] = PeerPid;
            copy["ts"] = ts - start;
            yield return copy;
        }
    }

    private static double Number(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.GetValue<double>(),
        JsonValueKind.String => double.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
        _ => 0,
    };

    private static JsonObject Metadata(string name, string value) => new()
    {
        ["name"] = name,
        ["ph"] = "M",
        ["pid"] = PeerPid,
        ["tid"] = 0,
        ["args"] = new JsonObject { ["name"] = value },
    };
}
