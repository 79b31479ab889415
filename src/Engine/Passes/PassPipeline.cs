using GpuEngine.Ir;

namespace GpuEngine.Passes;

/// <summary>One graph-to-graph rewrite of the pipeline, by name (reports and tests list them).</summary>
/// <param name="Name">What the pass does, in a word or two (re-parameterize, fold-batchnorm, fuse-activations).</param>
public sealed record GraphPass(string Name, Func<Graph, Graph> Apply);

/// <summary>Which passes run: the part of a session's options that shapes its graph.</summary>
/// <param name="Reparameterize">Turn train-time RepVGG blocks into their deploy form first.</param>
/// <param name="Optimize">Fold BatchNorm into convolutions, then fuse activations into epilogues.</param>
public sealed record PassOptions(bool Reparameterize, bool Optimize);

/// <summary>
/// The one list of graph passes every path runs (sessions, <c>plan</c>, <c>summary</c>, <c>profile</c>, the device check),
/// in order: RepVGG re-parameterization, BatchNorm folding, activation fusion. Written once here so no verb can plan a
/// different graph than the session runs.
/// </summary>
public static class PassPipeline
{
    /// <summary>The passes <paramref name="options"/> ask for, in the order they run.</summary>
    public static IReadOnlyList<GraphPass> For(PassOptions options)
    {
        var passes = new List<GraphPass>();
        if (options.Reparameterize) passes.Add(new("re-parameterize", RepVggReparameterization.Apply));
        if (options.Optimize)
        {
            passes.Add(new("fold-batchnorm", BatchNormFolding.Apply));
            passes.Add(new("fuse-activations", ActivationFusion.Apply));
        }
        return passes;
    }

    /// <summary>Runs <paramref name="passes"/> over <paramref name="graph"/> in order.</summary>
    public static Graph Apply(Graph graph, IEnumerable<GraphPass> passes) => passes.Aggregate(graph, (g, pass) => pass.Apply(g));

    /// <summary>The graph after the passes <paramref name="options"/> ask for.</summary>
    public static Graph Apply(Graph graph, PassOptions options) => Apply(graph, For(options));
}
