using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Passes;
using GpuEngine.Planning;
using GpuEngine.Quantization;

namespace GpuEngine.Execution;

/// <summary>
/// A model ready to run on one device, in the spirit of ONNX Runtime's InferenceSession: created once from a graph
/// with weights, it optimizes the graph, plans memory, allocates one activation arena and one weights region,
/// uploads the weights and prepares every kernel launch; <see cref="Run(Tensor)"/> then only copies the input in,
/// replays the launches and copies the output back — no allocation during inference.
/// The session owns its backend and device memory: dispose it.
/// </summary>
public sealed partial class InferenceSession : IDisposable
{
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly Dictionary<string, BufferSlice> _activations = [];
    private readonly Dictionary<string, BufferSlice> _weights = [];

    public InferenceSession(Ir.Graph graph, SessionOptions? options = null)
    {
        Options = options ?? new SessionOptions();
        if (graph.Parameters.Count > 0 && graph.Weights.Count == 0)
            throw new GpuEngineException($"model '{graph.Name}' has no weights: load them (--weights) or draw random ones (--seed)");
        Model = graph;
        ExecutionGraph = Prepare(graph, Options);
        bool int8 = Options.Precision == Precision.Int8;
        // Quantize before this session opens its backend: calibration runs an fp32 session of its own.
        Quantization = int8 ? Options.Quantization ?? Quantizer.Calibrate(graph, Options, Options.Calibration) : null;
        Plan = MemoryPlanner.Plan(ExecutionGraph, int8 ? Options.Plan with { Precision = Precision.Int8, Mode = Options.Int8Mode } : Options.Plan);
        var choice = BackendFactory.Choose(Options.Device);
        Backend = choice.Backend;
        DeviceChoice = choice.Explanation;
        try
        {
            AllocateWeights();
            if (Options.PlanMemory) AllocateArena(); else AllocatePerTensor();
            var empty = new BufferSlice(_buffers[0], 0, 0);
            var context = new LaunchContext(ExecutionGraph, Activation, Weight, empty);
            _launches = int8 ? [.. PrepareInt8(context)] : [.. ExecutionGraph.Nodes.SelectMany(n => OpLaunchers.Plan(n, context))];
            // Say so before running, in one line, where the device lacks a kernel's form (ilgpu-cpu and cuda need ILGPU's).
            if (_launches.FirstOrDefault(l => !Backend.Supports(l.Kernel)) is { } missing)
                throw new GpuEngineException($"the {Backend.Name} backend cannot run kernel '{missing.Kernel.Name}' (node '{missing.Node.Name}'): it has no form for this device");
            _graph = CreateGraphReplay();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public SessionOptions Options { get; }

    /// <summary>The graph as given.</summary>
    public Ir.Graph Model { get; }

    /// <summary>The graph that runs: after re-parameterization, BatchNorm folding and activation fusion.</summary>
    public Ir.Graph ExecutionGraph { get; }

    public MemoryPlan Plan { get; }

    /// <summary>The int8 model this session runs (given, or calibrated on the fly); null for fp32.</summary>
    public QuantizedModel? Quantization { get; }
    public Backend Backend { get; }

    /// <summary>Which backend was chosen and why (auto says what it skipped).</summary>
    public string DeviceChoice { get; }

    private readonly KernelLaunch[] _launches = [];

    /// <summary>Every kernel launch of one inference, in order (after tuning, the chosen candidates).</summary>
    public IReadOnlyList<KernelLaunch> Launches => _launches;

    public IReadOnlyList<TensorInfo> InputMetadata => ExecutionGraph.Inputs;
    public IReadOnlyList<TensorInfo> OutputMetadata => [.. ExecutionGraph.Outputs.Select(ExecutionGraph.Tensor)];

    /// <summary>Device bytes the session holds: activations (arena or per-tensor buffers) and weights.</summary>
    public long DeviceBytes => _buffers.Sum(b => b.Bytes);

    /// <summary>Runs the model on one input (the graph's first) and returns its first output.</summary>
    public Tensor Run(Tensor input)
    {
        if (Options.Tactics == Tactics.TacticMode.Tuned && !_tuned) Tune(input);
        else
        {
            WriteInput(InputMetadata[0].Name, input);
            RunLaunches();
        }
        return ReadTensor(Quantization is null ? OutputMetadata[0].Name : DequantizedName(OutputMetadata[0].Name));
    }

    /// <summary>Copies an input into its place on the device (checked against the input's shape and type).</summary>
    public void WriteInput(string name, Tensor input)
    {
        var info = ExecutionGraph.Tensor(name);
        if (input.Shape != info.Shape || input.DataType != info.DataType)
            throw new ShapeMismatchException($"input '{name}': the model expects {info.DataType.Name()} {info.Shape}, got {input.DataType.Name()} {input.Shape}");
        var slice = _activations[name];
        Backend.Upload(slice.Buffer, slice.ByteOffset, Bytes(input));
    }

    /// <summary>Copies a tensor back from the device (waits for queued launches).</summary>
    public Tensor ReadTensor(string name)
    {
        var info = TensorType(name);
        var slice = Activation(name);
        var tensor = new Tensor(info.Shape, info.DataType, info.DataType switch
        {
            DataType.Int8 => new sbyte[info.Shape.Elements],
            DataType.Int32 => new int[info.Shape.Elements],
            _ => new float[info.Shape.Elements],
        });
        Backend.Download(slice.Buffer, slice.ByteOffset, Bytes(tensor));
        return tensor;
    }

    private static Span<byte> Bytes(Tensor tensor) => tensor.Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        sbyte[] s => MemoryMarshal.AsBytes(s.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        _ => throw new GpuEngineException($"tensor of {tensor.Data.GetType().Name} cannot be copied to a device"),
    };

    private static Ir.Graph Prepare(Ir.Graph graph, SessionOptions options)
    {
        if (options.Reparameterize) graph = RepVggReparameterization.Apply(graph);
        if (options.OptimizeGraph) graph = ActivationFusion.Apply(BatchNormFolding.Apply(graph));
        return graph;
    }

    private BufferSlice Activation(string name) => _activations.TryGetValue(name, out var slice)
        ? slice
        : throw new GpuEngineException($"tensor '{name}' has no place in the session's memory");

    private BufferSlice Weight(string name) => _weights.TryGetValue(name, out var slice)
        ? slice
        : throw new GpuEngineException($"parameter '{name}' has no place in the session's weights");

    private DeviceBuffer Allocate(long bytes)
    {
        var buffer = Backend.Allocate(Math.Max(bytes, Plan.Options.Alignment));
        _buffers.Add(buffer);
        return buffer;
    }

    private void AllocateWeights()
    {
        var region = Allocate(Plan.WeightsBytes);
        foreach (var w in Plan.Weights)
        {
            var tensor = Quantization is null ? ExecutionGraph.Weight(w.Name) : QuantizedWeight(w);
            Backend.Upload(region, w.Offset, Bytes(tensor));
            _weights[w.Name] = new BufferSlice(region, w.Offset, w.Shape.Elements);
        }
    }

    /// <summary>One buffer for all activations; each tensor at its planned offset.</summary>
    private void AllocateArena()
    {
        var arena = Allocate(Plan.ArenaBytes);
        foreach (var t in Plan.Tensors) _activations[t.Name] = new BufferSlice(arena, t.Offset, t.Shape.Elements);
    }

    /// <summary>A buffer per tensor, except views (Flatten, Dropout), which must share their input's bytes.</summary>
    private void AllocatePerTensor()
    {
        foreach (var input in ExecutionGraph.Inputs) _activations[input.Name] = new BufferSlice(Allocate(input.Bytes), 0, input.Shape.Elements);
        foreach (var node in ExecutionGraph.Nodes)
        {
            var info = ExecutionGraph.Tensor(node.Output);
            _activations[node.Output] = InPlaceRules.IsView(node.Op)
                ? _activations[node.Inputs[0]] with { Elements = info.Shape.Elements }
                : new BufferSlice(Allocate(info.Bytes), 0, info.Shape.Elements);
        }
    }

    public void Dispose()
    {
        _graph?.Dispose();
        _graph = null;
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
        Backend?.Dispose();
    }
}
