using System.Diagnostics;
using GpuEngine.Diagnostics;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Sessions;

namespace GpuEngine.Profiling.Peer;

/// <summary>How <see cref="PeerComparison"/> runs.</summary>
/// <param name="Tolerance">The bound on <see cref="Criterion"/>: the relative error (fp32), or 1 − cosine (int8).</param>
/// <param name="Layers">Also compare every intermediate tensor both engines have and name the first one beyond the tolerance.</param>
/// <param name="UseCuda">Ask ONNX Runtime for its CUDA execution provider (it falls back to CPU where the build has none).</param>
public sealed record CompareOptions(int Warmup, int Runs, double Tolerance, ToleranceCriterion Criterion, bool Layers = false, bool UseCuda = false);

/// <summary>What <see cref="PeerComparison.Run"/> found.</summary>
/// <param name="EngineLatency">Host clock around <c>InferenceSession.Run</c>: input copy in, all launches, output copy back.</param>
/// <param name="PeerLatency">Host clock around ONNX Runtime's Run on the same input: the same work, the same process.</param>
public sealed record CompareResult(string Device, string DeviceDescription, string Provider, string ProviderNote, TensorShape InputShape,
    IReadOnlyList<TensorComparison> Outputs, LatencyStats EngineLatency, LatencyStats PeerLatency, LayerDivergence? Layers, CompareOptions Options)
{
    public bool WithinTolerance => Outputs.All(o => o.Within(Options.Tolerance, Options.Criterion));

    /// <summary>Engine median over ONNX Runtime median: above 1 the engine is slower.</summary>
    public double LatencyRatio => PeerLatency.MedianMs > 0 ? EngineLatency.MedianMs / PeerLatency.MedianMs : double.NaN;
}

/// <summary>
/// Runs one model in the engine and in ONNX Runtime on the same input, in this process: every output compared,
/// both latencies measured the same way (warm-up, then <see cref="CompareOptions.Runs"/> timed runs each), and with
/// <see cref="CompareOptions.Layers"/> every tensor both keep, in the engine's execution order.
/// </summary>
public static class PeerComparison
{
    /// <param name="graph">The engine's graph, imported from <paramref name="reference"/> (or from the file it was made from) so tensor names match.</param>
    /// <param name="trace">Called with the engine's profile and ONNX Runtime's profile file when a trace is wanted; null for none.</param>
    public static CompareResult Run(Graph graph, SessionOptions engineOptions, ModelProto reference, Tensor input, CompareOptions options,
        Action<SessionProfile, string, string>? trace = null)
    {
        using var session = SessionFactory.Create(graph, engineOptions);
        using var peer = new OnnxRuntimePeer(reference, new PeerOptions(UseCuda: options.UseCuda));
        if (peer.OutputNames.Count < session.OutputMetadata.Count)
            throw new GpuEngineException($"ONNX Runtime's model has {peer.OutputNames.Count} outputs, the engine's {session.OutputMetadata.Count}");

        var ours = EngineOutputs(session, input);
        var theirs = peer.Run(input);
        var outputs = new List<TensorComparison>();
        for (int i = 0; i < ours.Count; i++)
        {
            string name = peer.OutputNames[i];
            if (!theirs.TryGetValue(name, out var expected)) continue;
            outputs.Add(TensorComparison.Of(name, expected.Floats, ours[i].Floats, Rows(expected.Shape)));
        }

        var engineLatency = Time(() => session.Run(input), options);
        var peerLatency = Time(() => peer.Run(input), options);
        var layers = options.Layers ? CompareLayers(graph, engineOptions, reference, input, options) : null;
        if (trace is not null) Trace(session, reference, input, options, peer.ProviderNote, trace);
        return new CompareResult(session.DeviceName, session.DeviceDescription, peer.Provider, peer.ProviderNote, input.Shape,
            outputs, engineLatency, peerLatency, layers, options);
    }

    /// <summary>Every graph output; an int8 session dequantizes only its first, so only that one is compared there.</summary>
    private static List<Tensor> EngineOutputs(InferenceSession session, Tensor input)
    {
        var first = session.Run(input);
        if (session.Quantization is not null) return [first];
        return [first, .. session.OutputMetadata.Skip(1).Select(o => session.ReadTensor(o.Name))];
    }

    private static LatencyStats Time(Action run, CompareOptions options)
    {
        for (int i = 0; i < options.Warmup; i++) run();
        var times = new double[options.Runs];
        var clock = new Stopwatch();
        for (int i = 0; i < options.Runs; i++)
        {
            clock.Restart();
            run();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return LatencyStats.Of(times);
    }

    /// <summary>
    /// Both engines with every intermediate kept: the engine with a buffer per tensor (nothing overwritten), ONNX
    /// Runtime with every node output marked as a graph output and its graph optimizations off (the plain ops).
    /// </summary>
    private static LayerDivergence CompareLayers(Graph graph, SessionOptions engineOptions, ModelProto reference, Tensor input, CompareOptions options)
    {
        using var session = SessionFactory.Create(graph, engineOptions with { PlanMemory = false });
        session.Run(input);
        var order = new List<string>();
        var ours = new Dictionary<string, float[]>();
        foreach (var node in session.ExecutionGraph.Nodes)
        {
            string onnxName = ModelTensor(session.Model, node);
            if (EngineTensor(session, node.Output) is not { } values || !ours.TryAdd(onnxName, values)) continue;
            order.Add(onnxName);
        }
        using var peer = new OnnxRuntimePeer(OnnxGraphOutputs.MarkAll(reference), new PeerOptions(Optimize: false, UseCuda: options.UseCuda));
        var theirs = peer.Run(input).ToDictionary(p => p.Key, p => p.Value.Floats);
        return LayerDivergence.Find(order, ours, theirs, options.Tolerance, options.Criterion, Rows(input.Shape));
    }

    /// <summary>
    /// The model tensor an execution node's output holds: a fused node (conv + BatchNorm + ReLU) keeps its first
    /// layer's tensor name but computes what its last layer wrote, so the counterpart is that layer's output.
    /// </summary>
    private static string ModelTensor(Graph model, Node node)
    {
        var covered = node.Layers.ToHashSet();
        var last = model.Nodes.LastOrDefault(n => covered.Contains(n.Name));
        return last?.Output ?? node.Output;
    }

    /// <summary>A tensor as float32: int8 activations of an int8 session dequantized with their scale; null where there is none.</summary>
    private static float[]? EngineTensor(InferenceSession session, string name)
    {
        var tensor = session.ReadTensor(name);
        if (tensor.DataType == DataType.Float32) return tensor.Floats;
        if (tensor.DataType != DataType.Int8 || session.Quantization is not { } q) return null;
        float scale;
        try
        {
            scale = q.Scale(name);
        }
        catch (GpuEngineException)
        {
            return null;
        }
        return [.. tensor.AsSpan<sbyte>().ToArray().Select(v => v * scale)];
    }

    private static void Trace(InferenceSession session, ModelProto reference, Tensor input, CompareOptions options, string providerNote,
        Action<SessionProfile, string, string> write)
    {
        var profile = SessionProfiler.Measure(session, input, new ProfileOptions(options.Warmup, Math.Max(1, options.Runs)));
        var prefix = Path.Combine(Path.GetTempPath(), $"gpuengine-ort-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string? file = null;
        try
        {
            using (var peer = new OnnxRuntimePeer(reference, new PeerOptions(ProfilePrefix: prefix, UseCuda: options.UseCuda)))
            {
                for (int i = 0; i < options.Warmup + Math.Max(1, options.Runs); i++) peer.Run(input);
                file = peer.EndProfiling();
            }
            write(profile, file!, $"onnxruntime {OnnxRuntimePeer.Version} ({providerNote})");
        }
        finally
        {
            if (file is not null && File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>Rows for top-1: the batch, or one row for a scalar-like output.</summary>
    private static int Rows(TensorShape shape) => shape.Rank >= 2 ? shape[0] : 1;
}
