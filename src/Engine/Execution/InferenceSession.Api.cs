using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

namespace GpuEngine.Execution;

/// <summary>
/// The ONNX Runtime-shaped side of the session: built from a model file or a zoo name, named inputs and outputs,
/// several of each. See docs/api.md for ownership, thread safety and the mapping from ONNX Runtime's C# API.
/// </summary>
public sealed partial class InferenceSession
{
    private TensorInfo[]? _outputMetadata;
    private string[]? _inputNames, _outputNames;
    private Dictionary<string, string>? _returnedNames;

    /// <summary>
    /// Loads <paramref name="model"/> and prepares it as <see cref="InferenceSession(Ir.Graph, SessionOptions?)"/> does.
    /// <paramref name="model"/> is a zoo name (repvgg-a0, mobilenet_v2; <see cref="ModelZoo.All"/>) or a model file
    /// (.onnx, its initializers as weights). The input shape comes from <see cref="SessionOptions.InputShape"/> (a zoo
    /// model's usual input, or the file's own fixed dimensions, when null), a zoo model's weights from
    /// <see cref="SessionOptions.Weights"/> or <see cref="SessionOptions.WeightSeed"/>. A bad name, file or shape is a
    /// <see cref="GpuEngineException"/> with one line saying what is wrong.
    /// </summary>
    public InferenceSession(string model, SessionOptions? options = null)
        : this(LoadModel(model, options ?? new SessionOptions()), options)
    {
    }

    /// <summary>The names <see cref="Run(IReadOnlyCollection{NamedTensor}, IReadOnlyCollection{NamedTensor})"/> takes, in the model's order.</summary>
    public IReadOnlyList<string> InputNames => _inputNames ??= [.. InputMetadata.Select(i => i.Name)];

    /// <summary>The names Run returns by default, in the model's order.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames ??= [.. OutputMetadata.Select(o => o.Name)];

    internal static Ir.Graph LoadModel(string model, SessionOptions options)
    {
        if (string.IsNullOrWhiteSpace(model))
            throw new GpuEngineException("no model given: a zoo name ('gpuengine models' lists them) or a model file (.onnx)");
        var graph = ModelLoader.Load(model, options.InputShape, options.Classes);
        bool zoo = ModelZoo.Find(model) is not null;
        if (options.Weights is not null)
        {
            if (!zoo) throw new GpuEngineException($"SessionOptions.Weights applies to zoo models; '{model}' carries its own weights");
            return WeightFile.Load(graph, options.Weights);
        }
        if (graph.Weights.Count > 0 || graph.Parameters.Count == 0) return graph;
        if (options.WeightSeed is { } seed) return WeightInitializer.Initialize(graph, seed);
        throw new GpuEngineException(
            $"model '{model}' has no weights: set SessionOptions.Weights (a .safetensors file) or SessionOptions.WeightSeed (random weights)");
    }

    /// <summary>
    /// Runs the model on named inputs (every model input once) and returns the outputs named in
    /// <paramref name="outputNames"/> (all of them, in the model's order, when null) in a new collection that the
    /// caller owns and disposes (<see cref="RunResults"/>). Safe to call from many threads.
    /// </summary>
    public RunResults Run(IReadOnlyCollection<NamedTensor> inputs, IReadOnlyCollection<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var results = new RunResults();
        try
        {
            foreach (var name in outputNames ?? OutputNames) results.Add(name, OutputInfo(name).Shape);
            Run(inputs, results);
            return results;
        }
        catch
        {
            results.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on named inputs and fills the caller's <paramref name="outputs"/> (any subset of the model's
    /// outputs, each of its output's shape and type; see <see cref="NamedTensor.Wrap(string, Memory{float}, TensorShape)"/>).
    /// Neither inputs nor outputs are kept after the call. In steady state on the cpu device, with arrays or lists
    /// passed, this allocates nothing on the host. Safe to call from many threads (each call its own outputs).
    /// </summary>
    public void Run(IReadOnlyCollection<NamedTensor> inputs, IReadOnlyCollection<NamedTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var given = inputs as IReadOnlyList<NamedTensor> ?? [.. inputs];
        var wanted = outputs as IReadOnlyList<NamedTensor> ?? [.. outputs];
        CheckInputs(given);
        for (int i = 0; i < wanted.Count; i++) CheckOutput(wanted[i]);
        var state = Rent();
        try
        {
            for (int i = 0; i < given.Count; i++) Upload(state, given[i]);
            // Tactic selection runs once, on the first state, with the first input (as in Run(Tensor)).
            if (Options.Tactics == Tactics.TacticMode.Tuned && !_tuned && ReferenceEquals(state, _primary))
                Tune(FirstInputTensor(given));
            else
                RunLaunches(state);
            for (int i = 0; i < wanted.Count; i++)
            {
                var slice = state.Activation(ReturnedName(wanted[i].Name));
                Backend.Download(slice.Buffer, slice.ByteOffset, wanted[i].Bytes);
            }
        }
        finally
        {
            Return(state);
        }
    }

    /// <summary>The tensor behind output <paramref name="name"/>: int8 sessions return the dequantized float32 copy.</summary>
    private string ReturnedName(string name)
    {
        if (Quantization is null) return name;
        // Named once per output, not per run: a concatenation here would allocate on every call.
        var names = _returnedNames ??= OutputMetadata.ToDictionary(o => o.Name, o => DequantizedName(o.Name));
        return names[name];
    }

    private void Upload(ExecutionState state, NamedTensor input)
    {
        var slice = state.Activation(input.Name);
        Backend.Upload(slice.Buffer, slice.ByteOffset, input.Bytes);
    }

    private Tensor FirstInputTensor(IReadOnlyList<NamedTensor> inputs)
    {
        var first = inputs.First(i => i.Name == InputMetadata[0].Name);
        return first.ToTensor();
    }
}
