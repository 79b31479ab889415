using System.Diagnostics;
using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Reports;
using GpuEngine.Sessions;

namespace GpuEngine.Cli.Verbs;

/// <summary><c>gpuengine run</c>: one inference on a device; prints the device, the top-5 classes and the time.</summary>
[Verb("run", HelpText = "Run a model on a device and print the top-5 classes and the time.")]
public sealed class RunVerb : SessionVerbOptions, ICommand
{
    [Option("warmup", Default = 1, HelpText = "Untimed runs first (at least 1: the first run compiles kernels on opencl and cuda); the first gives the answer.")]
    public int Warmup { get; set; } = 1;

    [Option("runs", Default = 5, HelpText = "Timed runs after the warm-up.")]
    public int Runs { get; set; } = 5;

    [Option("no-plan", HelpText = "Give every tensor its own buffer instead of the planned arena (for comparison).")]
    public bool NoPlan { get; set; }

    public int Execute(CommandContext context)
    {
        if (Runs < 0) throw new GpuEngineException($"--runs must not be negative, got {Runs}");
        if (Warmup < 1) throw new GpuEngineException($"--warmup must be at least 1 (the first run gives the answer and is never timed), got {Warmup}");
        if (Labels is not null && !File.Exists(Labels)) throw new GpuEngineException($"--labels '{Labels}' does not exist");
        // run prints its fixed text; logits go to --output as .npy.
        if (!Format.Trim().Equals("table", StringComparison.OrdinalIgnoreCase))
            throw new GpuEngineException($"run has no --format (got '{Format}'); it prints text, and --output FILE.npy writes the logits");
        var graph = LoadGraphWithWeights();
        var input = InputTensor(graph, context.Error);
        using var session = SessionFactory.Create(graph, CreateSessionOptions(planMemory: !NoPlan));
        if (UncheckedShapeWarning(session) is { } warning) context.Error.WriteLine(warning);
        NoteGraphs(session, context);
        var output = context.Out;
        output.WriteLine($"device: {session.DeviceName} — {session.DeviceChoice}");
        output.WriteLine($"model:  {graph.Name}, input {InputDescription(graph)}, {PrecisionDescription}, {session.LaunchCount} kernel launches");
        if (session.Quantization is { } q)
            output.WriteLine($"int8:   {(Quantized is null ? $"calibrated now (on the {Calibrator.Device} backend, whatever the device) on " : $"{Quantized}, calibrated on ")}{q.Calibration}");
        output.WriteLine($"memory: arena {NumberFormat.Bytes(session.Plan.ArenaBytes)} (lower bound {NumberFormat.Bytes(session.Plan.LowerBoundBytes)}), weights {NumberFormat.Bytes(session.Plan.WeightsBytes)}");

        var clock = Stopwatch.StartNew();
        var logits = session.Run(input);
        double first = clock.Elapsed.TotalMilliseconds;
        for (int i = 1; i < Warmup; i++) session.Run(input);
        // Timed through the session's observed run loop, as 'profile' times its end to end: device events around the launches.
        var device = new DeviceTimes();
        var host = new List<double>();
        for (int i = 0; i < Runs; i++)
        {
            clock.Restart();
            session.Run(input, device);
            host.Add(clock.Elapsed.TotalMilliseconds);
        }
        var times = device.Times;
        times.Sort();
        host.Sort();
        // Only opencl and cuda compile kernels (at the first launch); the cpu backend runs the C# kernels as built.
        string compiles = session.DeviceName is "opencl" or "cuda" ? " (it compiles the kernels)" : "";
        output.WriteLine(times.Count > 0
            ? $"time:   median {NumberFormat.Milliseconds(times[times.Count / 2])} over {times.Count} runs (min {NumberFormat.Milliseconds(times[0])}), device time of the launches (profile's end to end)"
            : "time:   no timed runs (--runs 0)");
        if (host.Count > 0) output.WriteLine($"        the whole call with the copies in and out: median {NumberFormat.Milliseconds(host[host.Count / 2])}");
        output.WriteLine($"        after {Warmup} untimed warm-up run(s); the first took {NumberFormat.Milliseconds(first)}{compiles}");
        WriteTop5(output, logits, ClassNames(logits));
        if (Output is not null) WriteOutputs(context, session, logits, Output);
        return 0;
    }

    /// <summary>
    /// Every graph output as .npy (<paramref name="first"/> is what Run returned): to <paramref name="path"/> itself for a one-output model, else one file per output,
    /// <c>STEM.NAME.npy</c> beside it (the output's name with characters other than letters, digits, '-', '_' and '.' as '_').
    /// All targets are checked before any is written, so a refusal (a file exists, no --force) leaves nothing half done.
    /// </summary>
    private void WriteOutputs(CommandContext context, InferenceSession session, Tensor first, string path)
    {
        // Files are named after the model's outputs; fusion may have renamed them in the execution graph (same order).
        var names = session.Model.Outputs.ToArray();
        var tensors = session.OutputMetadata.Select(o => o.Name).ToArray();
        string stem = Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path));
        var targets = names.Length == 1 ? [path] : names.Select(n => $"{stem}.{SafeName(n)}.npy").ToArray();
        if (targets.Distinct().Count() != targets.Length) throw new GpuEngineException($"--output '{path}': two outputs map to the same file name");
        foreach (var target in targets.Where(t => File.Exists(t) && !Force))
            throw new GpuEngineException($"'{target}' already exists; pass --force to overwrite it");
        foreach (var (i, (name, target)) in names.Zip(targets).Index())
        {
            NpyFile.Write(target, names.Length == 1 ? first : session.ReadTensor(tensors[i]), overwrite: Force);
            context.Error.WriteLine($"wrote {target} ({name})");
        }
    }

    private static string SafeName(string name) =>
        new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);

    private static void WriteTop5(TextWriter output, Tensor logits, IReadOnlyList<string>? labels)
    {
        int batch = logits.Shape.N;
        for (int n = 0; n < Math.Min(batch, 4); n++) output.WriteLine($"top-5 [{n}]: {TopClasses.Describe(logits, n, labels)}");
        if (batch > 4) output.WriteLine($"({batch - 4} more samples; --output FILE.npy writes all logits)");
    }

    /// <summary>Each observed run's device time (one event before the first launch, one after the last).</summary>
    private sealed class DeviceTimes : ILaunchObserver
    {
        public List<double> Times { get; } = [];
        public LaunchMeasurement Measurement => LaunchMeasurement.EndToEnd;
        public void OnLaunch(in LaunchEvent launch) { }
        public void OnRun(in RunEvent run) => Times.Add(run.DeviceMs);
    }
}
