using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Quantization;
using GpuEngine.Zoo;

namespace GpuEngine.Diagnostics.Ptx;

/// <summary>
/// Which variants of which kernels the zoo launches: each model's sessions (fp32, int8 fused, int8 addsum) are built on
/// the cpu backend at a small input with random weights, and their <see cref="KernelLaunch"/> records are read. Specialized
/// values follow from the graph's structure (fused activations, int8 modes), not from its sizes, so a small input gives
/// the same set as the model's usual one.
/// </summary>
public static class KernelVariants
{
    /// <summary>The input the zoo sessions are built at: large enough for every model's downsampling, cheap to calibrate.</summary>
    public static TensorShape ProbeInput { get; } = new(1, 3, 32, 32);

    /// <summary>The precisions and int8 modes a model's sessions are built in.</summary>
    public static IReadOnlyList<(string Name, Precision Precision, Int8Mode Mode)> Modes { get; } =
        [("fp32", Precision.Fp32, Int8Mode.Fused), ("int8 fused", Precision.Int8, Int8Mode.Fused), ("int8 addsum", Precision.Int8, Int8Mode.Addsum)];

    /// <summary>Every launch of every mode of <paramref name="model"/>, tagged with the model and mode.</summary>
    public static IEnumerable<(string Source, KernelLaunch Launch)> Launches(ZooModel model)
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model.Name, ProbeInput, 10), 1);
        QuantizedModel? quantization = null;
        foreach (var (name, precision, mode) in Modes)
        {
            var options = new SessionOptions
            {
                Device = "cpu",
                Precision = precision,
                Int8Mode = mode,
                // int8 has no path for a train-time RepVGG's identity BatchNorm: such a model runs int8 in deploy form.
                Reparameterize = precision == Precision.Int8,
                Calibration = new CalibrationOptions { Samples = 1 },
                // Both int8 modes share one calibration: it decides scales, not which kernels run.
                Quantization = quantization,
                // The planned (reference) kernels: fixed tactics would swap in the cpu SIMD kernels, which have no PTX.
                Tactics = Execution.Tactics.TacticMode.Tuned,
            };
            using var session = new InferenceSession(graph, options);
            quantization ??= session.Quantization;
            foreach (var launch in session.Launches) yield return ($"{model.Name} {name}", launch);
        }
    }

    /// <summary>
    /// One model per distinct structure (<see cref="StructureKey"/>), the one with the fewest parameters: models of one
    /// structure launch the same kernel variants, so these stand for the whole zoo at a fraction of the cost.
    /// </summary>
    public static IReadOnlyList<ZooModel> Representatives(IEnumerable<ZooModel> models) =>
        [.. models.Select(m => (Model: m, Graph: ModelZoo.Create(m.Name, ProbeInput, 10)))
            .GroupBy(x => StructureKey(x.Graph))
            .Select(g => g.MinBy(x => x.Graph.ParameterCount).Model)];

    /// <summary>
    /// What decides a graph's kernel variants, without its sizes: every distinct (producer op, op, consumer ops) triple,
    /// with convolutions told apart by depthwise, grouped, bias and fused activation, so fusion opportunities match.
    /// </summary>
    public static string StructureKey(Ir.Graph graph) =>
        string.Join("; ", graph.Nodes.Select(n =>
            $"{Describe(graph.Producer(n.Inputs.FirstOrDefault() ?? "")?.Op)} > {Describe(n.Op)} > " +
            string.Join("|", graph.Consumers(n.Output).Select(c => Describe(c.Op)).Distinct().Order(StringComparer.Ordinal)))
            .Distinct().Order(StringComparer.Ordinal));

    private static string Describe(Ir.Op? op) => op switch
    {
        null => "input",
        Ops.Conv2d c => $"Conv2d(depthwise={c.IsDepthwise}, grouped={c.Groups > 1 && !c.IsDepthwise}, bias={c.HasBias}, fused={c.Fused})",
        Ops.Linear l => $"Linear(bias={l.HasBias}, fused={l.Fused})",
        _ => op.TypeName,
    };

    /// <summary>
    /// One variant per (kernel, specialized values) the given models launch, then, for each kernel of
    /// <paramref name="kernels"/> that none launches, its unspecialized form; ordered by entry point and label.
    /// </summary>
    public static IReadOnlyList<KernelVariant> Collect(IEnumerable<ZooModel> models, IEnumerable<KernelDescriptor> kernels)
    {
        var seen = new Dictionary<(string Entry, string Bits), (KernelDescriptor Kernel, int[] Bits, Dim3 Group, SortedSet<string> Models)>();
        foreach (var model in models)
        {
            foreach (var (source, launch) in Launches(model))
            {
                int[] bits = [.. launch.Kernel.Parameters.Select((p, i) => (p, i)).Where(x => x.p.Specialized).Select(x => launch.Arguments[x.i].ScalarBits)];
                var key = (launch.Kernel.EntryPoint, string.Join(",", bits));
                if (!seen.TryGetValue(key, out var entry)) entry = (launch.Kernel, bits, launch.Grid.GroupSize, new SortedSet<string>(StringComparer.Ordinal));
                if (launch.Grid.GroupSize.Volume > entry.Group.Volume) entry.Group = launch.Grid.GroupSize;
                entry.Models.Add(source);
                seen[key] = entry;
            }
        }
        var variants = seen.Values.Select(v => new KernelVariant(v.Kernel, v.Bits, v.Group, [.. v.Models])).ToList();
        var launched = variants.Select(v => v.Kernel.EntryPoint).ToHashSet();
        variants.AddRange(kernels.Where(k => !launched.Contains(k.EntryPoint)).Select(k => new KernelVariant(k, [], new Dim3(256), [])));
        return [.. variants.OrderBy(v => v.Kernel.EntryPoint, StringComparer.Ordinal).ThenBy(v => v.Label, StringComparer.Ordinal)];
    }
}
