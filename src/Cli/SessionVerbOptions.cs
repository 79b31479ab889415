using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Planning;
using GpuEngine.Quantization;

namespace GpuEngine.Cli;

/// <summary>
/// Options of the verbs that run a model in an <see cref="InferenceSession"/> (run, profile): the same meaning in each.
/// int8 without --quantized calibrates now, with the calibration options.
/// </summary>
public abstract class SessionVerbOptions : CalibrationVerbOptions
{
    [Option("reparam", HelpText = "Re-parameterize train-time RepVGG blocks before running (always done for int8).")]
    public bool Reparameterize { get; set; }

    [Option("quantized", HelpText = "--precision int8: the model file written by 'gpuengine quantize' (default: calibrate now, see --calib-method).")]
    public string? Quantized { get; set; }

    [Option("mode", Default = Int8Mode.Fused, HelpText = "--precision int8: fused (int32 sums stay in registers) or addsum (written, then requantized).")]
    public Int8Mode Mode { get; set; }

    [Option("tactics", Default = "fixed", HelpText = "fixed (the planned conv kernels, default) or tuned (each conv's kernel chosen by measurement on the first input, cached; see docs/tactics.md).")]
    public string Tactics { get; set; } = "fixed";

    [Option("int8-layout", HelpText = "--precision int8: auto (default: NHWC regions around the tensor-core convs on cuda sm_80+, NCHW elsewhere), nchw, or nhwc (the layout pass on any device that runs the tensor-core kernel: cuda sm_80+, ilgpu-cpu).")]
    public string? Int8LayoutName { get; set; }

    /// <summary>--int8-layout as the session's setting; one line naming the option for anything else.</summary>
    public Int8Layout Int8Layout => Int8LayoutName?.Trim().ToLowerInvariant() switch
    {
        null or "auto" => Int8Layout.Auto,
        "nchw" => Int8Layout.Nchw,
        "nhwc" => Int8Layout.Nhwc,
        _ => throw new GpuEngineException($"--int8-layout '{Int8LayoutName}' is not one of auto, nchw, nhwc"),
    };

    [Option("graphs", HelpText = "cuda: on (default) captures the launches into a CUDA graph at the first run and replays it; off launches kernel by kernel. Other devices ignore it (with a note).")]
    public string? Graphs { get; set; }

    public bool IsInt8 => Precision == Planning.Precision.Int8;

    /// <summary>--tactics as the session's mode; one line naming the option for anything else.</summary>
    public TacticMode TacticMode => Tactics.Trim().ToLowerInvariant() switch
    {
        "fixed" => TacticMode.Fixed,
        "tuned" => TacticMode.Tuned,
        _ => throw new GpuEngineException($"--tactics '{Tactics}' is not one of fixed, tuned"),
    };

    /// <summary>--graphs as a switch (default on).</summary>
    public bool GraphsOn => Graphs?.Trim().ToLowerInvariant() switch
    {
        null or "on" => true,
        "off" => false,
        _ => throw new GpuEngineException($"--graphs '{Graphs}' is not one of on, off"),
    };

    /// <summary>One note on stderr when --graphs was given for a device without CUDA graphs.</summary>
    public void NoteGraphs(InferenceSession session, CommandContext context)
    {
        if (Graphs is not null && session.DeviceName != "cuda")
            context.Error.WriteLine($"note: --graphs applies to cuda only; ignored on {session.DeviceName}");
    }

    /// <summary>The precision in words for reports: fp32, or int8 (fused|addsum).</summary>
    public string PrecisionDescription => IsInt8 ? $"int8 ({Mode.ToString().ToLowerInvariant()})" : "fp32";

    /// <summary>Session options from the command line. int8 needs the deploy form, so train-time RepVGG is re-parameterized first.</summary>
    public SessionOptions CreateSessionOptions(bool planMemory = true)
    {
        CheckOptions();
        return new SessionOptions
        {
            Device = DeviceName,
            Reparameterize = Reparameterize || IsInt8,
            PlanMemory = planMemory,
            Precision = Precision,
            Int8Mode = Mode,
            Int8Layout = Int8Layout,
            Quantization = IsInt8 && Quantized is not null ? QuantizedModel.Load(Quantized) : null,
            Calibration = Calibration(),
            MaxMemoryBytes = MemoryLimit,
            Tactics = TacticMode,
            Graphs = GraphsOn,
        };
    }

    /// <summary>The warning for a --quantized file that records no input shape (written before it was kept); null otherwise.</summary>
    public string? UncheckedShapeWarning(InferenceSession session) => Quantized is not null && session.Quantization is { InputShape: null }
        ? $"gpuengine: warning: '{Quantized}' records no input shape (an older file); its scales are right only at the size it was calibrated for"
        : null;

    /// <summary>Refuses option combinations where one option would be ignored; runs before any work.</summary>
    public override void CheckOptions()
    {
        base.CheckOptions();
        if (!IsInt8 && Int8LayoutName is not null) throw new GpuEngineException("--int8-layout needs --precision int8");
        if (!IsInt8 && Quantized is not null) throw new GpuEngineException("--quantized needs --precision int8");
        if (!IsInt8 && CalibrationGiven) throw new GpuEngineException("--calib, --calib-dir, --calib-method and --percentile need --precision int8");
        if (Quantized is not null && Weights is not null)
            throw new GpuEngineException($"--quantized '{Quantized}' holds its own int8 weights; leave out --weights '{Weights}'");
        if (Quantized is not null && CalibrationGiven)
            throw new GpuEngineException($"--quantized '{Quantized}' is calibrated already; the calibration options apply when calibrating now (leave out --quantized)");
    }
}
