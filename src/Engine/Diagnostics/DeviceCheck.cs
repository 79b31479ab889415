using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Planning;

namespace GpuEngine.Diagnostics;

/// <summary>One case of a device check: what ran, against what, how far apart, and whether that is within the rule.</summary>
public sealed record DeviceCheckResult(string Case, string Shape, Precision Precision, string Kernels, CheckComparison Comparison,
    double DeviceMilliseconds, double CaseSeconds)
{
    public bool Passed => Comparison.Passed;
}

/// <summary>What <see cref="DeviceCheck.Run"/> runs and how.</summary>
public sealed record DeviceCheckOptions
{
    public int Seed { get; init; }

    /// <summary>Skip the whole-model cases.</summary>
    public bool KernelsOnly { get; init; }

    /// <summary>Run only cases whose name contains one of these (case-insensitive); empty runs all.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>Hears each result as it comes.</summary>
    public Action<DeviceCheckResult>? Progress { get; init; }

    /// <summary>
    /// For tests of the check itself: changes a case's device output (by case name) before the comparison, to show that a
    /// wrong answer fails. Null in every real use.
    /// </summary>
    public Func<string, CheckOutput, CheckOutput>? AlterDeviceOutput { get; init; }
}

/// <summary>
/// Checks every kernel family on a device, in fp32 and int8, then whole models. The reference is the cpu backend (the C#
/// kernels) on the same weights, inputs and — for int8 — the same quantized model; when the device checked is the cpu
/// backend itself, the reference is the float64 and integer loops of <see cref="Float64Reference"/> and
/// <see cref="Int8Reference"/> instead, so cpu is never compared with itself. fp32 must agree within
/// <see cref="Fp32Tolerance"/>, int8 bit for bit. This is what runs on a GPU machine, where xUnit cannot:
/// <c>gpuengine check --device cuda</c>.
/// </summary>
public static class DeviceCheck
{
    /// <summary>Relative tolerance for float32 (max |device − reference| / max |reference|): kernels' tilings sum in different orders.</summary>
    public const double Fp32Tolerance = 1e-4;

    /// <summary>The reference a device is checked against, in words.</summary>
    public static string ReferenceFor(string backend) => backend == "cpu"
        ? "float64 loops (fp32) and integer loops (int8) of the engine's Diagnostics, sharing no code with the kernels"
        : "cpu backend (the C# kernels), same weights, inputs and quantized models";

    /// <summary>Runs the selected cases on <paramref name="backend"/> (a resolved backend name, not auto).</summary>
    public static IReadOnlyList<DeviceCheckResult> Run(string backend, DeviceCheckOptions options)
    {
        var results = new List<DeviceCheckResult>();
        foreach (var check in DeviceCheckCases.All(options.Seed))
        {
            if (options.KernelsOnly && check.IsModel) continue;
            if (options.Filters.Count > 0 && !options.Filters.Any(f => check.Name.Contains(f, StringComparison.OrdinalIgnoreCase))) continue;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var run = check.Run(backend);
            var expected = backend == "cpu" ? check.Reference() : check.Run("cpu", timed: false).Output;
            var actual = options.AlterDeviceOutput?.Invoke(check.Name, run.Output) ?? run.Output;
            var comparison = check.Precision == Precision.Int8 ? CheckComparison.BitExact(expected, actual) : CheckComparison.Relative(expected, actual, Fp32Tolerance);
            var result = new DeviceCheckResult(check.Name, check.Shape, check.Precision, string.Join(" ", run.Kernels), comparison, run.Milliseconds,
                clock.Elapsed.TotalSeconds);
            results.Add(result);
            options.Progress?.Invoke(result);
        }
        return results;
    }

    /// <summary>max |a − e| / max |e| of two fp32 outputs; NaN or infinity anywhere counts as infinitely wrong.</summary>
    public static double RelativeError(float[] expected, float[] actual) =>
        CheckComparison.Relative(new CheckOutput(expected), new CheckOutput(actual), 0).MaxRelativeError;

    /// <summary>Generated kernels no case launched (empty when the whole check ran).</summary>
    public static IReadOnlyList<string> Uncovered(IEnumerable<DeviceCheckResult> results)
    {
        var covered = results.SelectMany(r => r.Kernels.Split(' ')).ToHashSet();
        covered.UnionWith(Execution.Tactics.TacticCandidates.Alternates.Select(k => k.Name));
        // The tensor-core path's layout conversions: no session launches them yet (see docs/kernels.md); tested on their own.
        covered.UnionWith([GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc.Name, GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw.Name]);
        return [.. GeneratedKernels.All.Select(k => k.Name).Where(n => !covered.Contains(n))];
    }
}
