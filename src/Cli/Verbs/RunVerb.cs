using System.Diagnostics;
using CommandLine;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;

namespace GpuEngine.Cli.Verbs;

/// <summary><c>gpuengine run</c>: one inference on a device; prints the device, the top-5 classes and the time.</summary>
[Verb("run", HelpText = "Run a model on a device and print the top-5 classes and the time.")]
public sealed class RunVerb : SessionVerbOptions, ICommand
{
    [Option("runs", Default = 5, HelpText = "Timed runs after the first (the first includes kernel compilation).")]
    public int Runs { get; set; } = 5;

    [Option("no-plan", HelpText = "Give every tensor its own buffer instead of the planned arena (for comparison).")]
    public bool NoPlan { get; set; }

    public int Execute(CommandContext context)
    {
        if (Runs < 0) throw new GpuEngineException($"--runs must not be negative, got {Runs}");
        // run prints its fixed text; logits go to --output as .npy.
        if (!Format.Trim().Equals("table", StringComparison.OrdinalIgnoreCase))
            throw new GpuEngineException($"run has no --format (got '{Format}'); it prints text, and --output FILE.npy writes the logits");
        var graph = LoadGraphWithWeights();
        var input = InputTensor(graph, context.Error);
        using var session = new InferenceSession(graph, CreateSessionOptions(planMemory: !NoPlan));
        if (UncheckedShapeWarning(session) is { } warning) context.Error.WriteLine(warning);
        var output = context.Out;
        output.WriteLine($"device: {session.Backend.Name} — {session.DeviceChoice}");
        output.WriteLine($"model:  {graph.Name}, input {InputDescription(graph)}, {PrecisionDescription}, {session.Launches.Count} kernel launches");
        if (session.Quantization is { } q)
            output.WriteLine($"int8:   {(Quantized is null ? "calibrated now on " : $"{Quantized}, calibrated on ")}{q.Calibration}");
        output.WriteLine($"memory: arena {Mib(session.Plan.ArenaBytes)} (lower bound {Mib(session.Plan.LowerBoundBytes)}), weights {Mib(session.Plan.WeightsBytes)}");

        var clock = Stopwatch.StartNew();
        var logits = session.Run(input);
        double first = clock.Elapsed.TotalMilliseconds;
        var times = new List<double>();
        for (int i = 0; i < Runs; i++)
        {
            clock.Restart();
            session.Run(input);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        string median = times.Count > 0 ? $", then median {times[times.Count / 2]:F2} ms over {times.Count} runs (min {times[0]:F2})" : "";
        output.WriteLine($"time:   first run {first:F2} ms (includes kernel compilation){median}; host clock around synchronized runs");
        WriteTop5(output, logits);
        if (Output is not null)
        {
            NpyFile.Write(Output, logits, overwrite: Force);
            context.Error.WriteLine($"wrote {Output}");
        }
        return 0;
    }

    private static void WriteTop5(TextWriter output, Tensor logits)
    {
        int batch = logits.Shape.N;
        for (int n = 0; n < Math.Min(batch, 4); n++) output.WriteLine($"top-5 [{n}]: {TopClasses.Describe(logits, n)}");
        if (batch > 4) output.WriteLine($"({batch - 4} more samples; --output FILE.npy writes all logits)");
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:F2} MiB";
}
