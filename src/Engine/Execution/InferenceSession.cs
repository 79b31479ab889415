using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Planning;
using GpuEngine.Quantization;

namespace GpuEngine.Execution;

/// <summary>
/// A model ready to run on one device, in the spirit of ONNX Runtime's InferenceSession: created once from a graph
/// with weights, it optimizes the graph, plans memory, allocates one activation arena and one weights region,
/// uploads the weights and prepares every kernel launch; <see cref="Run(Tensor)"/> then only copies the input in,
/// replays the launches and copies the output back — no allocation during inference.
/// <para>
/// Thread safety: <see cref="Run(Tensor)"/> may be called from many threads at once on one session and gives the
/// same bits as sequential calls. The weights are shared; the activations are per call: each call rents an
/// execution state (an arena and the launches prepared for it) from a pool, and a call that finds every state busy
/// allocates one more (one more arena of <see cref="MemoryPlan.ArenaBytes"/>), kept for later calls. The
/// step-by-step members (<see cref="WriteInput"/>, <see cref="Launches"/>, <see cref="ReadTensor"/>), which the
/// profiler and calibration use, work on the session's first state and are not safe to mix with other threads.
/// </para>
/// The session owns its backend and device memory: dispose it (not while a call runs).
/// </summary>
public sealed partial class InferenceSession : IDisposable
{
    /// <summary>Weights and requantization parameters: shared by every execution state.</summary>
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly Dictionary<string, BufferSlice> _weights = [];
    private readonly ExecutionState _primary = new();

    /// <summary>
    /// Builds a session for <paramref name="graph"/> through <see cref="ModelCompiler"/> (passes, quantization pass, plan),
    /// then opens the device, uploads the weights and prepares the launches. An int8 session needs its quantized model in
    /// <see cref="SessionOptions.Quantization"/>; <c>GpuEngine.Sessions.SessionFactory.Create</c> calibrates one first where
    /// none is given.
    /// </summary>
    public InferenceSession(Ir.Graph graph, SessionOptions? options = null)
    {
        Options = options ?? new SessionOptions();
        if (graph.Parameters.Count > 0 && graph.Weights.Count == 0)
            throw new GpuEngineException($"model '{graph.Name}' has no weights: load them (--weights) or draw random ones (--seed)");
        bool int8 = Options.Precision == Precision.Int8;
        if (int8 && Options.Quantization is null)
            throw new GpuEngineException($"an int8 session of '{graph.Name}' needs its quantized model (SessionOptions.Quantization): "
                + "load one written by 'gpuengine quantize', or build the session with SessionFactory.Create, which calibrates one first");
        // The backend first: whether an int8 program runs NHWC regions depends on its tensor cores (Int8LayoutPass).
        var choice = BackendFactory.Choose(Options.Device);
        Backend = choice.Backend;
        DeviceChoice = choice.Explanation;
        try
        {
            Program = ModelCompiler.Compile(graph, Options, Backend is Backends.Cuda.CudaBackend { HasInt8TensorCores: true });
            Model = graph;
            ExecutionGraph = Program.ExecutionGraph;
            Quantization = Program.Int8?.Model;
            Plan = Program.Plan;
            // Before anything is allocated: an impossible shape is one line, not an out-of-memory crash.
            MemoryBudget.CheckPlan(Plan, graph.Name, Options.MaxMemoryBytes ?? MemoryBudget.DefaultBytes);
            AllocateWeights();
            if (int8) _requantization = UploadRequantization(Quantization!);
            _states.Add(_primary);
            PrepareState(_primary);
            // Say so before running, in one line, where the device lacks a kernel's form (ilgpu-cpu and cuda need ILGPU's).
            if (_primary.Launches.FirstOrDefault(l => !Backend.Supports(l.Kernel)) is { } missing)
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

    /// <summary>What the session runs: the pipeline's result (passes, int8 form, plan), as <c>plan</c> and <c>summary</c> describe it.</summary>
    public CompiledModel Program { get; }

    /// <summary>The graph as given.</summary>
    public Ir.Graph Model { get; }

    /// <summary>The graph that runs: after re-parameterization, BatchNorm folding and activation fusion.</summary>
    public Ir.Graph ExecutionGraph { get; }

    public MemoryPlan Plan { get; }

    /// <summary>The int8 model this session runs (given in <see cref="SessionOptions.Quantization"/>); null for fp32.</summary>
    public QuantizedModel? Quantization { get; }
    /// <summary>The backend the session owns (internal: users see <see cref="DeviceName"/>, <see cref="DeviceDescription"/>).</summary>
    internal Backend Backend { get; }

    /// <summary>Which backend was chosen and why (auto says what it skipped).</summary>
    public string DeviceChoice { get; }

    /// <summary>Every kernel launch of one inference, in order (on the session's first execution state; after tuning, the chosen candidates).</summary>
    internal IReadOnlyList<KernelLaunch> Launches => _primary.Launches;

    /// <summary>What Run takes: every input's name, shape and type (int8 sessions too take float32: they quantize on the device).</summary>
    public IReadOnlyList<TensorInfo> InputMetadata => ExecutionGraph.Inputs;

    /// <summary>What Run returns: every output's name, shape and type (int8 sessions return float32, dequantized on the device).</summary>
    public IReadOnlyList<TensorInfo> OutputMetadata => _outputMetadata ??= [.. ExecutionGraph.Outputs.Select(ExecutionGraph.Tensor)];

    /// <summary>
    /// Device bytes the session holds: weights, and activations (arena or per-tensor buffers) of every execution state
    /// (one, plus one for each call that ran while all others were busy).
    /// </summary>
    public long DeviceBytes
    {
        get
        {
            lock (_states) return _buffers.Sum(b => b.Bytes) + _states.Sum(s => s.Bytes);
        }
    }

    /// <summary>
    /// Runs the model on one input (the graph's first) and returns its first output. Safe to call from many threads:
    /// each call runs in an execution state of its own (see the class remarks).
    /// </summary>
    public Tensor Run(Tensor input)
    {
        var state = Rent();
        try
        {
            // Tactic selection runs once, on the first state, with the first input (other states take its choices).
            if (Options.Tactics == Tactics.TacticMode.Tuned && !_tuned && ReferenceEquals(state, _primary))
                Tune(input);
            else
            {
                Write(state, InputMetadata[0].Name, input);
                RunLaunches(state);
            }
            return Read(state, Quantization is null ? OutputMetadata[0].Name : DequantizedName(OutputMetadata[0].Name));
        }
        finally
        {
            Return(state);
        }
    }

    /// <summary>A large input's run can take minutes on the cpu: say how many launches are done (queued, on devices).</summary>
    private void RunReporting(IReadOnlyList<KernelLaunch> launches)
    {
        for (int i = 0; i < launches.Count; i++)
        {
            launches[i].Run(Backend);
            WorkProgress.Report("inference, kernel launches", i + 1, launches.Count);
        }
    }

    /// <summary>Copies an input into its place on the device (checked against the input's shape and type).</summary>
    public void WriteInput(string name, Tensor input) => Write(_primary, name, input);

    /// <summary>Copies a tensor back from the device (waits for queued launches).</summary>
    public Tensor ReadTensor(string name) => Read(_primary, name);

    private void Write(ExecutionState state, string name, Tensor input)
    {
        var info = ExecutionGraph.Tensor(name);
        if (input.Shape != info.Shape || input.DataType != info.DataType)
            throw new ShapeMismatchException($"input '{name}': the model expects {info.DataType.Name()} {info.Shape}, got {input.DataType.Name()} {input.Shape}");
        // int8 would quantize NaN and infinity to arbitrary, device-dependent codes: refuse rather than answer.
        if (Quantization is not null && input.Data is float[] values && NonFinite.Count(values) is > 0 and var bad)
            throw new GpuEngineException($"input '{name}' holds {bad:N0} NaN or infinite values; int8 cannot quantize them");
        var slice = state.Activation(name);
        Backend.Upload(slice.Buffer, slice.ByteOffset, Bytes(input));
    }

    private Tensor Read(ExecutionState state, string name)
    {
        var info = TensorType(name);
        var slice = state.Activation(name);
        var tensor = new Tensor(info.Shape, info.DataType, info.DataType switch
        {
            DataType.Int8 => new sbyte[info.Shape.Elements],
            DataType.Int32 => new int[info.Shape.Elements],
            _ => new float[info.Shape.Elements],
        });
        Backend.Download(slice.Buffer, slice.ByteOffset, Bytes(tensor));
        return AsNchw(name, tensor);
    }

    private static Span<byte> Bytes(Tensor tensor) => tensor.Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        sbyte[] s => MemoryMarshal.AsBytes(s.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        _ => throw new GpuEngineException($"tensor of {tensor.Data.GetType().Name} cannot be copied to a device"),
    };

    private BufferSlice Weight(string name) => _weights.TryGetValue(name, out var slice)
        ? slice
        : throw new GpuEngineException($"parameter '{name}' has no place in the session's weights");

    private DeviceBuffer Allocate(long bytes, List<DeviceBuffer> owner)
    {
        var buffer = Backend.Allocate(Math.Max(bytes, Plan.Options.Alignment));
        owner.Add(buffer);
        return buffer;
    }

    private void AllocateWeights()
    {
        var region = Allocate(Plan.WeightsBytes, _buffers);
        foreach (var w in Plan.Weights)
        {
            var tensor = Quantization is null ? ExecutionGraph.Weight(w.Name) : QuantizedWeight(w);
            Backend.Upload(region, w.Offset, Bytes(tensor));
            _weights[w.Name] = new BufferSlice(region, w.Offset, w.Shape.Elements);
        }
    }

    public void Dispose()
    {
        _graph?.Dispose();
        _graph = null;
        lock (_states)
        {
            foreach (var state in _states) state.Dispose();
            _states.Clear();
        }
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
        Backend?.Dispose();
    }
}
