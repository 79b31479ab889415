using CommandLine;
using GpuEngine.Diagnostics;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Peer;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine compare</c>: the model in the engine and in ONNX Runtime (in process, CPU EP) on the same input:
/// per output max abs and relative error, cosine and top-1 agreement; both latencies and their ratio; with
/// <c>--layers</c> the first intermediate tensor where they part. A zoo model is exported to ONNX first, and the
/// engine runs that ONNX model imported back, so both run the same file and the tensor names match.
/// Exit 0 within tolerance, 1 beyond it, 2 on bad input.
/// </summary>
[Verb("compare", HelpText = "Run a model in the engine and in ONNX Runtime on the same input: errors per output, both latencies, first diverging layer (--layers).")]
public sealed class CompareVerb : SessionVerbOptions, ICommand
{
    /// <summary>fp32: bound on max |engine − ORT| / max |ORT| per output.</summary>
    public const double Fp32Tolerance = 1e-4;

    /// <summary>int8 (against ORT's fp32 run): bound on 1 − cosine per output, the quantization docs' cosine ≥ 0.99.</summary>
    public const double Int8Tolerance = 1e-2;

    [Option("runs", Default = 20, HelpText = "Timed runs of each engine (after --warmup untimed ones).")]
    public int Runs { get; set; } = 20;

    [Option("warmup", Default = 5, HelpText = "Untimed runs of each engine before timing.")]
    public int Warmup { get; set; } = 5;

    [Option("tolerance", HelpText = "fp32: max relative error (default 1e-4); int8: max 1 - cosine (default 1e-2).")]
    public double? Tolerance { get; set; }

    [Option("layers", HelpText = "Compare every intermediate tensor both engines keep; name the first beyond the tolerance.")]
    public bool Layers { get; set; }

    [Option("trace", HelpText = "Write both engines' runs into this Chrome trace (engine pid 1, ONNX Runtime pid 2).")]
    public string? Trace { get; set; }

    [Option("reference", HelpText = "The ONNX file ONNX Runtime runs (default: the model itself), e.g. an edited copy.")]
    public string? Reference { get; set; }

    [Option("peer-cuda", HelpText = "Run ONNX Runtime on its CUDA execution provider where present (else CPU, said so).")]
    public bool PeerCuda { get; set; }

    public int Execute(CommandContext context)
    {
        Prepared prepared;
        try
        {
            prepared = Prepare();
        }
        catch (Exception e) when (e is GpuEngineException or IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"gpuengine: error: {e.Message}");
            return CliApp.ExitUsage;
        }
        var (graph, model, input, format, options) = prepared;
        var result = PeerComparison.Run(graph, CreateSessionOptions(), model, input, options,
            Trace is null ? null : (profile, ortFile, peerName) =>
            {
                OutputFile.Write(Trace, Force, w => TraceMerge.Write(ChromeTrace.Events(profile), ortFile, peerName, w));
                context.Error.WriteLine($"wrote {Trace}");
            });
        var report = CompareReport.Create(result, graph.Name, InputDescription(graph), PrecisionDescription);
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return result.WithinTolerance ? 0 : CliApp.ExitFinding;
    }

    private sealed record Prepared(Graph Graph, ModelProto Model, Tensor Input, ReportFormat Format, CompareOptions Options);

    /// <summary>Everything the user gave, checked before either engine runs: a mistake here is exit 2.</summary>
    private Prepared Prepare()
    {
        var format = ReportFormat();
        if (Runs <= 0) throw new GpuEngineException($"--runs must be positive, got {Runs}");
        if (Warmup < 0) throw new GpuEngineException($"--warmup must not be negative, got {Warmup}");
        if (Tolerance is double t && !(t >= 0)) throw new GpuEngineException($"--tolerance must be a number >= 0, got {t}");
        if (Trace is not null && File.Exists(Trace) && !Force) throw new GpuEngineException($"--trace '{Trace}' already exists; pass --force to overwrite it");
        if (Output is not null && File.Exists(Output) && !Force) throw new GpuEngineException($"'{Output}' already exists; pass --force to overwrite it");
        bool file = Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        if (file && Weights is not null) throw new GpuEngineException($"--weights applies to zoo models; '{Model}' carries its own weights, which ONNX Runtime runs too");

        // One ONNX model for both: a file as it is, a zoo model exported (with --weights or random ones from --seed).
        ModelProto model;
        Graph graph;
        if (file)
        {
            graph = LoadGraphWithWeights();
            model = OnnxFile.Read(Model);
        }
        else
        {
            model = OnnxFile.Export(LoadGraphWithWeights());
            graph = OnnxFile.Import(model, $"{Model} (exported)", InputShape());
        }
        if (Reference is not null)
        {
            if (!Reference.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) throw new GpuEngineException($"--reference '{Reference}' is not an .onnx file");
            model = OnnxFile.Read(Reference);
        }
        if (graph.Inputs.Count != 1) throw new GpuEngineException($"'{Model}' has {graph.Inputs.Count} inputs; compare feeds one");
        var criterion = IsInt8 ? ToleranceCriterion.Cosine : ToleranceCriterion.Relative;
        var options = new CompareOptions(Warmup, Runs, Tolerance ?? (IsInt8 ? Int8Tolerance : Fp32Tolerance), criterion, Layers, PeerCuda);
        CreateSessionOptions(); // checks the int8 options now
        return new Prepared(graph, model, InputTensor(graph), format, options);
    }
}
