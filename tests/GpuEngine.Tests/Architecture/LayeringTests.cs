using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace GpuEngine.Tests.Architecture;

/// <summary>
/// The engine's layering as tests (issue 14): Ir ← Passes ← Planning ← Execution, each depending only leftwards; the
/// profiler may read the executor's launch events, the executor never references the profiler; no namespace cycle
/// in any src/ assembly. Read from the built assemblies (ArchUnitNET), so a stray fully qualified name counts too.
/// </summary>
public sealed class LayeringTests
{
    private static readonly ArchUnitNET.Domain.Architecture Src = new ArchLoader().LoadAssemblies(
        typeof(global::GpuEngine.Execution.InferenceSession).Assembly,
        typeof(global::GpuEngine.Profiling.Measurement.SessionProfiler).Assembly,
        typeof(global::GpuEngine.Cli.CliApp).Assembly,
        typeof(global::GpuEngine.Kernels.KernelDescriptor).Assembly).Build();

    /// <summary>The types of one layer: the namespace and those below it.</summary>
    private static IObjectProvider<IType> Layer(params string[] namespaces) =>
        Types().That().ResideInNamespaceMatching($@"^GpuEngine\.({string.Join('|', namespaces)})(\..*)?$").As(string.Join(" + ", namespaces));

    [Fact]
    public void The_ir_and_its_ops_depend_on_no_later_layer() =>
        Types().That().Are(Layer("Ir", "Ops")).Should().NotDependOnAny(Layer("Passes", "Planning", "Execution")).Check(Src);

    [Fact]
    public void Passes_depend_only_on_the_ir() =>
        Types().That().Are(Layer("Passes")).Should().NotDependOnAny(Layer("Planning", "Execution")).Check(Src);

    [Fact]
    public void Planning_depends_on_no_executor() =>
        Types().That().Are(Layer("Planning")).Should().NotDependOnAny(Layer("Execution")).Check(Src);

    [Fact]
    public void Quantization_is_a_pass_below_the_executor() =>
        Types().That().Are(Layer("Quantization")).Should().NotDependOnAny(Layer("Execution", "Sessions")).Check(Src);

    [Fact]
    public void The_executor_never_references_the_profiler() =>
        Types().That().Are(Layer("Execution", "Ir", "Ops", "Passes", "Planning", "Quantization", "Backends"))
            .Should().NotDependOnAny(Layer("Profiling", "Cli")).Check(Src);

    [Fact]
    public void The_cost_model_depends_on_the_graph_not_on_the_executor() =>
        Types().That().Are(Layer("Profiling.Costs")).Should().NotDependOnAny(Layer("Execution")).Check(Src);

    [Fact]
    public void The_profiler_reads_the_executor_only_through_its_events() =>
        Types().That().Are(Layer("Profiling.Measurement")).Should().NotDependOnAny(
            Types().That().HaveFullNameMatching(@"^GpuEngine\.Execution\.Launchers\.(KernelLaunch|BufferSlice|LaunchContext)$").As("the executor's launches")).Check(Src);

    /// <summary>The executor's parts (launchers, tactics) sit below the session: they never reach back into it.</summary>
    [Fact]
    public void Launchers_and_tactics_do_not_depend_on_the_session_namespace() =>
        Types().That().Are(Layer("Execution.Launchers", "Execution.Tactics")).Should().NotDependOnAny(
            Types().That().ResideInNamespace("GpuEngine.Execution").As("GpuEngine.Execution itself")).Check(Src);

    /// <summary>No cycle between the components (a namespace directly below GpuEngine, with everything below it).</summary>
    [Fact]
    public void No_component_depends_on_another_that_depends_back()
    {
        var cycles = NamespaceCycles(ns => ns.Split('.').Take(2).Aggregate((a, b) => $"{a}.{b}"));
        Assert.True(cycles.Count == 0, string.Join("; ", cycles.Select(c => string.Join(" <-> ", c))));
    }

    /// <summary>
    /// No cycle between any two namespaces of the engine's layers (Ir, Ops, Passes, Planning, Quantization, Execution and
    /// its parts, Sessions, the profiler), each its own slice. Known elsewhere, each a parent and its children, and not
    /// this layering's to fix: Backends ↔ Backends.* (BackendFactory names every backend), Loading ↔ Loading.Onnx
    /// (ModelLoader opens ONNX files), Kernels ↔ Kernels.* (the generated kernel tables).
    /// </summary>
    [Fact]
    public void No_namespace_of_the_engine_layers_is_in_a_cycle()
    {
        string[] layers = ["Ir", "Ops", "Passes", "Planning", "Quantization", "Execution", "Sessions", "Profiling"];
        var cycles = NamespaceCycles(ns => ns)
            .Where(c => c.Any(ns => layers.Any(l => ns == $"GpuEngine.{l}" || ns.StartsWith($"GpuEngine.{l}.", StringComparison.Ordinal)))).ToList();
        Assert.True(cycles.Count == 0, string.Join("; ", cycles.Select(c => string.Join(" <-> ", c))));
    }

    /// <summary>
    /// The strongly connected groups (more than one member) of the graph whose nodes are <paramref name="slice"/>(namespace)
    /// of src/'s types and whose edges are their type dependencies: each group is a cycle.
    /// </summary>
    private static List<List<string>> NamespaceCycles(Func<string, string> slice)
    {
        var edges = new Dictionary<string, HashSet<string>>();
        foreach (var type in Src.Types.Where(t => t.Namespace?.FullName?.StartsWith("GpuEngine.", StringComparison.Ordinal) == true))
        {
            var from = slice(type.Namespace.FullName);
            if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = [];
            foreach (var dependency in type.Dependencies)
            {
                var ns = dependency.Target?.Namespace?.FullName ?? "";
                if (ns.StartsWith("GpuEngine.", StringComparison.Ordinal) && slice(ns) != from) targets.Add(slice(ns));
            }
        }
        bool Reaches(string a, string b)
        {
            var seen = new HashSet<string> { a };
            var work = new Stack<string>([a]);
            while (work.TryPop(out var n))
                foreach (var m in edges.GetValueOrDefault(n) ?? [])
                {
                    if (m == b) return true;
                    if (seen.Add(m)) work.Push(m);
                }
            return false;
        }
        var groups = new List<List<string>>();
        var placed = new HashSet<string>();
        foreach (var n in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (placed.Contains(n)) continue;
            var group = edges.Keys.Where(m => m == n || (Reaches(n, m) && Reaches(m, n))).Order(StringComparer.Ordinal).ToList();
            placed.UnionWith(group);
            if (group.Count > 1) groups.Add(group);
        }
        return groups;
    }
}
