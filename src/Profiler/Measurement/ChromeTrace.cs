using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GpuEngine.Ir;
using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// Writes the last per-kernel run as ONNX Runtime writes its profile (SessionOptions.EnableProfiling): a JSON array of
/// Chrome trace complete events ("ph": "X", ts and dur in microseconds), which chrome://tracing and Perfetto open and
/// ORT's own tools read. One <c>Session</c> event spans the run ("model_run"), one <c>Node</c> event per engine node
/// ("NAME_kernel_time", args op_name, provider, input_type_shape, output_type_shape, activation_size, parameter_size,
/// output_size — sizes in bytes, as strings, as ORT writes them) and one <c>Kernel</c> event per kernel launch inside
/// it. The engine is process <see cref="Pid"/> (1); <see cref="TraceMerge"/> adds ONNX Runtime's run as process 2.
/// </summary>
public static class ChromeTrace
{
    public const int Pid = 1;

    public static void Write(SessionProfile profile, TextWriter writer) =>
        writer.WriteLine(new JsonArray([.. Events(profile)]).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The trace's events, the first at ts 0.</summary>
    public static IEnumerable<JsonObject> Events(SessionProfile profile)
    {
        var session = profile.Session;
        string provider = $"GpuEngine:{session.DeviceName}";
        yield return Metadata("process_name", $"gpuengine {session.Model.Name} ({session.DeviceName})");
        yield return Metadata("thread_name", $"{session.DeviceName}: {session.DeviceDescription}");
        var kernels = profile.Kernels;
        double end = kernels.Count == 0 ? 0 : kernels.Max(k => k.StartMs + k.DurationMs);
        yield return Complete("Session", "model_run", 0, end, new JsonObject
        {
            ["model"] = session.Model.Name,
            ["device"] = session.DeviceDescription,
            ["precision"] = CostPrecision.Of(session.Plan.Options).ToString(),
            ["end_to_end_median_ms"] = profile.EndToEnd.MedianMs,
            ["per_kernel_run_median_ms"] = profile.PerKernelRun.MedianMs,
        });
        // Consecutive launches of one node form that node's span, as ORT's node event spans its kernels.
        for (int i = 0; i < kernels.Count;)
        {
            var node = kernels[i].Launch.Node;
            int j = i;
            while (j < kernels.Count && ReferenceEquals(kernels[j].Launch.Node, node)) j++;
            double start = kernels[i].StartMs, stop = kernels[j - 1].StartMs + kernels[j - 1].DurationMs;
            yield return Complete("Node", node.Name + "_kernel_time", start, stop - start, NodeArgs(session, node, provider));
            for (int k = i; k < j; k++)
            {
                var t = kernels[k];
                yield return Complete("Kernel", t.Launch.Kernel.Name, t.StartMs, t.DurationMs, new JsonObject
                {
                    ["op_name"] = node.Op.TypeName,
                    ["provider"] = provider,
                    ["node"] = node.Name,
                    ["launch"] = t.Index,
                    ["latency_median_ms"] = t.Latency.MedianMs,
                    ["latency_p90_ms"] = t.Latency.P90Ms,
                    ["latency_min_ms"] = t.Latency.MinMs,
                });
            }
            i = j;
        }
    }

    private static JsonObject NodeArgs(Execution.InferenceSession session, Node node, string provider)
    {
        long activation = 0, parameters = 0;
        var inputs = new JsonArray();
        foreach (var name in node.Inputs)
        {
            if (TypeOf(session, name) is not { } t) continue;
            activation += t.Shape.Elements * t.Type.Size();
            inputs.Add(TypeShape(t.Type, t.Shape));
        }
        bool int8 = session.Quantization is not null && node.Op.Parameters.Count > 0;
        foreach (var p in node.Op.Parameters)
        {
            var type = int8 && p.Role == "weight" ? DataType.Int8 : int8 && p.Role == "bias" ? DataType.Int32 : DataType.Float32;
            parameters += p.Shape.Elements * type.Size();
            inputs.Add(TypeShape(type, p.Shape));
        }
        var output = TypeOf(session, node.Output);
        return new JsonObject
        {
            ["op_name"] = node.Op.TypeName,
            ["provider"] = provider,
            ["node_index"] = node.Name,
            ["activation_size"] = Text(activation),
            ["parameter_size"] = Text(parameters),
            ["output_size"] = Text(output is { } o ? o.Shape.Elements * o.Type.Size() : 0),
            ["input_type_shape"] = inputs,
            ["output_type_shape"] = output is { } s ? new JsonArray(TypeShape(s.Type, s.Shape)) : new JsonArray(),
            ["covers"] = string.Join('+', node.Layers),
        };
    }

    /// <summary>A tensor's type as the session holds it (int8 sessions type most activations int8), null where it holds none.</summary>
    private static (TensorShape Shape, DataType Type)? TypeOf(Execution.InferenceSession session, string name)
    {
        if (session.Quantization is not null && session.Plan.Tensors.FirstOrDefault(t => t.Name == name) is { } planned) return (planned.Shape, planned.DataType);
        return session.ExecutionGraph.Tensors.TryGetValue(name, out var info) ? (info.Shape, info.DataType) : null;
    }

    /// <summary>ORT's form: <c>{"float": [1, 3, 224, 224]}</c>.</summary>
    private static JsonObject TypeShape(DataType type, TensorShape shape) => new()
    {
        [type switch { DataType.Int8 => "int8", DataType.Int32 => "int32", _ => "float" }] = new JsonArray([.. shape.Dims.Select(d => (JsonNode)d)]),
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Complete(string category, string name, double startMs, double durationMs, JsonObject args) => new()
    {
        ["cat"] = category,
        ["pid"] = Pid,
        ["tid"] = 1,
        ["dur"] = Math.Round(durationMs * 1000, 3),
        ["ts"] = Math.Round(startMs * 1000, 3),
        ["ph"] = "X",
        ["name"] = name,
        ["args"] = args,
    };

    private static JsonObject Metadata(string name, string value) => new()
    {
        ["name"] = name,
        ["ph"] = "M",
        ["pid"] = Pid,
        ["tid"] = 1,
        ["args"] = new JsonObject { ["name"] = value },
    };
}
