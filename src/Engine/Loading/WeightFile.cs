using GpuEngine.Ir;

namespace GpuEngine.Loading;

/// <summary>
/// Puts a safetensors checkpoint's weights into a graph (<c>--weights FILE</c>) and writes a graph's weights out.
/// The name map is detected: the one under which every tensor of the file names a parameter of the graph.
/// </summary>
public static class WeightFile
{
    /// <summary>The graph with the file's weights attached; every parameter must be present with its shape.</summary>
    public static Graph Load(Graph graph, string path) => Apply(graph, SafetensorsFile.Read(path), path);

    /// <summary>
    /// Writes every weight of the graph (which must carry weights) under the given map's names (default: the zoo's own),
    /// float32 weights stored as <paramref name="floats"/>.
    /// </summary>
    public static void Save(Graph graph, string path, WeightNameMap? map = null, bool overwrite = false, SafetensorsFloat floats = SafetensorsFloat.F32)
    {
        map ??= WeightNameMaps.Official;
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var name in graph.Parameters.Keys)
        {
            string external = map.FromZoo(name)
                ?? throw new GpuEngineException($"weight map '{map.Name}' has no name for parameter '{name}' of '{graph.Name}'");
            tensors.Add(new(external, graph.Weight(name)));
        }
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["gpuengine.model"] = graph.Name, ["gpuengine.names"] = map.Name };
        SafetensorsFile.Write(path, tensors, metadata, overwrite, floats);
    }

    /// <summary>Maps and checks named tensors against the graph's parameters; <paramref name="file"/> names the source in errors.</summary>
    public static Graph Apply(Graph graph, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, string file)
    {
        var map = Detect(graph, tensors);
        var weights = new Dictionary<string, Tensor>();
        foreach (var (external, tensor) in tensors)
        {
            string? name = map.ToZoo(external);
            if (name is null || !graph.Parameters.TryGetValue(name, out var info))
                throw new GpuEngineException($"weights '{file}': tensor '{external}' matches no parameter of '{graph.Name}' (names: {map.Name}){Hint(graph, external)}");
            if (info.Shape != tensor.Shape)
                throw new ShapeMismatchException($"weights '{file}': tensor '{external}' has shape {tensor.Shape}, parameter '{name}' of '{graph.Name}' is {info.Shape}");
            if (info.DataType != tensor.DataType)
                throw new GpuEngineException($"weights '{file}': tensor '{external}' is {tensor.DataType.Name()}, parameter '{name}' is {info.DataType.Name()}");
            weights[name] = tensor;
        }
        var missing = graph.Parameters.Keys.Where(p => !weights.ContainsKey(p)).ToList();
        if (missing.Count > 0)
            throw new GpuEngineException($"weights '{file}': {missing.Count} parameter(s) of '{graph.Name}' missing, first '{missing[0]}' (names: {map.Name}, as '{map.FromZoo(missing[0])}')");
        try
        {
            return graph.WithWeights(weights);
        }
        catch (GpuEngineException e)
        {
            throw new GpuEngineException($"weights '{file}': {e.Message}", e);
        }
    }

    /// <summary>The map under which the most file names hit a parameter (ties: the first listed).</summary>
    public static WeightNameMap Detect(Graph graph, IReadOnlyList<KeyValuePair<string, Tensor>> tensors) =>
        WeightNameMaps.All
            .Select(m => (Map: m, Hits: tensors.Count(t => m.ToZoo(t.Key) is { } n && graph.Parameters.ContainsKey(n))))
            .OrderByDescending(x => x.Hits)
            .First().Map;

    // The common mistake is a train-time checkpoint for a deploy model or the other way round.
    private static string Hint(Graph graph, string external)
    {
        bool fileTrain = external.Contains("rbr_dense") || external.Contains("conv_kxk") || external.Contains("rbr_1x1") || external.Contains("conv_1x1");
        bool fileDeploy = external.Contains("rbr_reparam") || external.Contains("reparam_conv");
        bool graphDeploy = graph.Parameters.Keys.Any(k => k.Contains("rbr_reparam"));
        bool graphTrain = graph.Parameters.Keys.Any(k => k.Contains("rbr_dense"));
        if (fileTrain && graphDeploy) return "; the file holds train-time RepVGG weights: use the model's -train form";
        if (fileDeploy && graphTrain) return "; the file holds deploy RepVGG weights: use the model without -train";
        return "";
    }
}
