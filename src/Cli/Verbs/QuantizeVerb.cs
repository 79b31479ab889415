using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Profiling.Reports;
using GpuEngine.Quantization;
using GpuEngine.Sessions;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine quantize</c>: post-training int8 quantization (calibrate, quantize, save as safetensors); with
/// <c>--report</c> also the fidelity of int8 against fp32 (logits and per-layer SQNR), as a table or JSON.
/// </summary>
[Verb("quantize", HelpText = "Quantize a model to int8 (calibrated on sample inputs) and save it; --report measures int8 against fp32.")]
public sealed class QuantizeVerb : CalibrationVerbOptions, ICommand
{
    [Option("out", Required = true, HelpText = "The quantized model file to write (.safetensors); never overwritten without --force.")]
    public string Out { get; set; } = "";

    [Option("report", HelpText = "Measure int8 against fp32 and print the fidelity report (--format, --output).")]
    public bool Report { get; set; }

    [Option("eval", Default = 8, HelpText = "Inputs the fidelity report compares on (random, seeds --seed+10001..).")]
    public int Eval { get; set; } = 8;

    [Option("mode", Default = Planning.Int8Mode.Fused, HelpText = "int8 mode the report runs: fused or addsum (same results, bit for bit).")]
    public Planning.Int8Mode Mode { get; set; }

    private static readonly ReportColumn[] Columns =
    [
        new("node", "node", ColumnKind.Text),
        new("op", "op", ColumnKind.Text),
        new("sqnr_db", "SQNR (dB)", ColumnKind.Real, 2),
    ];

    public int Execute(CommandContext context)
    {
        // Refuse before the (slow) calibration: an existing file is never replaced unasked.
        GpuEngine.IO.SafeFile.CheckTarget(Out, Force);
        if (!Report && Output is not null) throw new GpuEngineException($"--output '{Output}' is where --report goes; add --report or leave it out");
        if (Report && Eval <= 0) throw new GpuEngineException($"--eval must be positive, got {Eval}");
        var graph = LoadGraphWithWeights();
        var options = new SessionOptions { Device = DeviceName, Reparameterize = true, Int8Mode = Mode, MaxMemoryBytes = MemoryLimit };
        var model = Calibrator.Calibrate(graph, options, Calibration());
        model.Save(Out, overwrite: Force);
        context.Error.WriteLine($"quantized {graph.Name} ({model.Layers.Count} int8 layers; calibration: {model.Calibration}); wrote {Out}");
        if (!Report) return 0;

        var fidelity = Fidelity.Measure(graph, options, model, Eval, Seed);
        var report = new Report($"int8 fidelity of {graph.Name} on {fidelity.Device}", Columns, rowsKey: "layers")
            .AddFact("model", graph.Name)
            .AddFact("input", InputDescription(graph))
            .AddFact("device", fidelity.Device)
            .AddFact("mode", fidelity.Mode)
            .AddFact("calibration", fidelity.Calibration)
            .AddFact("samples", fidelity.Samples)
            .AddFact("cosine_mean", Round(fidelity.MeanCosine))
            .AddFact("cosine_min", Round(fidelity.MinCosine))
            .AddFact("top1_agreement", Round(fidelity.Top1Agreement))
            .AddFact("top5_agreement", Round(fidelity.Top5Agreement))
            .AddFact("max_abs_error", Round(fidelity.MaxAbsError))
            .AddFact("max_abs_logit", Round(fidelity.MaxAbsLogit));
        foreach (var layer in fidelity.Layers) report.AddRow(layer.Node, layer.Op, layer.SqnrDb);
        report.Notes.Add($"int8 vs fp32 on {fidelity.Samples} random inputs (seeds {Seed + Fidelity.SeedOffset}..): cosine of the logits per sample; "
            + "top-1 = same argmax; top-5 = fp32's top class among int8's top 5; SQNR = 10 log10(Σ fp32² / Σ (fp32 − dequantized int8)²) per layer output.");
        WriteOutput(context, w => ReportWriter.Write(report, ReportFormat(), w));
        return 0;
    }

    private static double Round(double value) => Math.Round(value, 6);
}
