using CommandLine;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli;

/// <summary>The --device option shared by the verbs: which backend runs the kernels (auto = cuda, else an OpenCL GPU, else cpu).</summary>
public static class DeviceOption
{
    /// <summary>The help text; a test keeps its list equal to <see cref="Backends.BackendFactory.DeviceNames"/>.</summary>
    public const string Help = "auto, cpu, ilgpu-cpu, opencl or cuda (auto: cuda, else an OpenCL device that is not this CPU, else cpu; ilgpu-cpu is ILGPU's slow reference).";

    /// <summary>The name as the backend factory takes it; an unknown one is a one-line error listing the valid names.</summary>
    public static string Validate(string device)
    {
        string name = device.Trim().ToLowerInvariant();
        if (!Backends.BackendFactory.DeviceNames.Contains(name))
            throw new Backends.UnknownDeviceException($"--device '{device}' is not one of {Backends.BackendFactory.DeviceNamesText}");
        return name;
    }
}

/// <summary>--format, --output and --force: the same on every verb that writes a report.</summary>
public abstract class OutputOptions
{
    [Option("format", Default = "table", HelpText = "Report format: table, csv, json, md (some verbs add more).")]
    public string Format { get; set; } = "table";

    [Option("output", HelpText = "Write the report to this file instead of standard output.")]
    public string? Output { get; set; }

    [Option("force", HelpText = "Overwrite --output if it exists.")]
    public bool Force { get; set; }

    /// <summary>The report format, checked against what the verb supports.</summary>
    public ReportFormat ReportFormat(params string[] extra)
    {
        var format = Format.Trim().ToLowerInvariant();
        if (Enum.TryParse<ReportFormat>(format, ignoreCase: true, out var parsed) && !int.TryParse(format, out _)) return parsed;
        throw new GpuEngineException($"--format '{Format}' is not one of table, csv, json, md{string.Concat(extra.Select(e => ", " + e))}");
    }

    /// <summary>Writes through <paramref name="write"/> to --output (refusing to overwrite unless --force) or standard output.</summary>
    public void WriteOutput(CommandContext context, Action<TextWriter> write)
    {
        if (Output is null)
        {
            write(context.Out);
            return;
        }
        OutputFile.Write(Output, Force, write);
        context.Error.WriteLine($"wrote {Output}");
    }
}

/// <summary>The options every model verb shares; they mean the same everywhere.</summary>
public abstract class ModelOptions : OutputOptions
{
    // Not Required for the parser: 'profile --zoo' runs without one; LoadGraph insists for every other use.
    [Option('m', "model", HelpText = "Required. A zoo name ('gpuengine models') or a model file.")]
    public string Model { get; set; } = "";

    [Option("input", HelpText = "Input shape like 1x3x224x224 (random data from --seed), an .npy file, or an image (.png, .jpg: resized, center-cropped and normalized as torchvision's ImageNet transform).")]
    public string? Input { get; set; }

    [Option("labels", HelpText = "Class names, one a line, for the top-5 (default: the ImageNet-1k names for 1000-class heads).")]
    public string? Labels { get; set; }

    [Option("classes", HelpText = "Number of classes of the classifier head (zoo models).")]
    public int? Classes { get; set; }

    [Option("batch", HelpText = "Batch size; overrides the first dimension of --input.")]
    public int? Batch { get; set; }

    [Option("seed", Default = 0, HelpText = "Seed for random inputs and random weights.")]
    public int Seed { get; set; }

    [Option("precision", Default = Planning.Precision.Fp32, HelpText = "fp32 or int8.")]
    public Planning.Precision Precision { get; set; }

    [Option("device", Default = "auto", HelpText = DeviceOption.Help)]
    public string Device { get; set; } = "auto";

    [Option("weights", HelpText = "Weights for the model (.safetensors; official RepVGG, timm and torchvision names map). Default: random from --seed.")]
    public string? Weights { get; set; }

    /// <summary>The device name as the backend factory takes it.</summary>
    public string DeviceName => DeviceOption.Validate(Device);

    private Tensor? _npyInput;

    /// <summary>Refuses options that would be ignored (verbs add their own); <see cref="CliApp"/> calls it before the verb runs.</summary>
    public virtual void CheckOptions() => _ = MemoryLimit;

    /// <summary>The input shape asked for, with --batch applied; null for the model's usual input.</summary>
    public TensorShape? InputShape()
    {
        TensorShape? shape = null;
        if (Input is not null && !IsImageInput)
        {
            shape = IsNpyInput ? NpyInput().Shape : TensorShape.Parse(Input);
        }
        if (Batch is int n)
        {
            if (IsImageInput) throw new GpuEngineException($"--batch cannot change the batch of --input '{Input}' (an image is one sample)");
            if (IsNpyInput) throw new GpuEngineException($"--batch cannot change the batch of --input '{Input}' (an .npy file has its own)");
            if (n <= 0) throw new GpuEngineException($"--batch must be positive, got {n}");
            var model = Zoo.ModelZoo.Find(Model);
            var baseShape = shape ?? model?.DefaultInput
                ?? throw new GpuEngineException($"--batch with model file '{Model}' needs --input too");
            shape = baseShape.WithDim(0, n);
        }
        return shape;
    }

    /// <summary>The model as a shape-inferred graph.</summary>
    public Graph LoadGraph()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new GpuEngineException("--model is required: a zoo name ('gpuengine models') or a model file");
        return ModelLoader.Load(Model, InputShape(), Classes);
    }

    /// <summary>The model with weights: from --weights, from the model file, or random from --seed.</summary>
    public Graph LoadGraphWithWeights()
    {
        var graph = LoadGraph();
        if (Weights is not null) return WeightFile.Load(graph, Weights);
        return graph.Weights.Count > 0 || graph.Parameters.Count == 0 ? graph : WeightInitializer.Initialize(graph, unchecked((ulong)Seed));
    }

    /// <summary>The most bytes a session and its input may take (verbs that run one take --max-memory).</summary>
    protected virtual long MemoryLimit => Execution.MemoryBudget.DefaultBytes;

    /// <summary>
    /// The input tensor: the .npy file, the image preprocessed to the graph's input shape, or uniform random data of the graph's input shape from --seed; its size is checked
    /// against the memory limit first. NaN or infinite values in a file get a warning on <paramref name="warnings"/>.
    /// </summary>
    public Tensor InputTensor(Graph graph, TextWriter? warnings = null)
    {
        if (IsNpyInput)
        {
            var tensor = NpyInput();
            long bad = tensor.Data is float[] values ? Execution.NonFinite.Count(values) : 0;
            // Refused before any calibration: int8 cannot quantize NaN or infinity.
            if (bad > 0 && Precision == Planning.Precision.Int8)
                throw new GpuEngineException($"input '{Input}' holds {bad:N0} NaN or infinite values; int8 cannot quantize them");
            if (bad > 0 && warnings is not null)
                warnings.WriteLine($"gpuengine: warning: input '{Input}' holds {bad:N0} NaN or infinite values; the outputs they reach are meaningless");
            return tensor;
        }
        Execution.MemoryBudget.CheckInput(graph.Inputs[0].Shape, MemoryLimit);
        if (IsImageInput) return Images.ImageInput.Load(Input!, graph.Inputs[0].Shape);
        return RandomInput.Uniform(graph.Inputs[0].Shape, Seed);
    }

    /// <summary>Where the input comes from, in words.</summary>
    public string InputDescription(Graph graph) => IsNpyInput ? $"{Input} ({NpyInput().Shape})"
        : IsImageInput ? $"{Input} (resized, center-cropped to {graph.Inputs[0].Shape}, ImageNet-normalized)"
        : $"{graph.Inputs[0].Shape} (random, seed {Seed})";

    /// <summary>The names of the model's classes for the top-5, or null (<see cref="ClassLabels"/>).</summary>
    public IReadOnlyList<string>? ClassNames(Tensor logits) => ClassLabels.For(TopClasses.Classes(logits), Labels);

    private bool IsNpyInput => Input is not null && Input.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    private bool IsImageInput => Input is not null && Images.ImageInput.IsImagePath(Input);

    private Tensor NpyInput() => _npyInput ??= NpyFile.Read(Input!);
}
