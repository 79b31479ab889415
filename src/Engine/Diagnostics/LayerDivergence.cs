namespace GpuEngine.Diagnostics;

/// <summary>
/// Polygraphy-style search for where two engines part: every tensor both computed, in the engine's execution order,
/// compared with the reference; the first one beyond the tolerance is where the difference starts (later ones may
/// only inherit it).
/// </summary>
public sealed record LayerDivergence(IReadOnlyList<TensorComparison> Compared, int EngineTensors, int ReferenceTensors, TensorComparison? FirstBeyond)
{
    /// <param name="order">The engine's tensors in execution order.</param>
    /// <param name="engine">The engine's value of each tensor it kept (fused-away ones are absent).</param>
    /// <param name="reference">The reference's value of each tensor, by ONNX name.</param>
    public static LayerDivergence Find(IReadOnlyList<string> order, IReadOnlyDictionary<string, float[]> engine, IReadOnlyDictionary<string, float[]> reference,
        double tolerance, ToleranceCriterion criterion, int rows = 1)
    {
        var compared = new List<TensorComparison>();
        TensorComparison? first = null;
        foreach (var name in order)
        {
            // Only tensors present in both, of one size: a fused or re-parameterized node has no counterpart.
            if (!engine.TryGetValue(name, out var ours) || !reference.TryGetValue(name, out var theirs) || ours.Length != theirs.Length) continue;
            var c = TensorComparison.Of(name, theirs, ours, rows);
            compared.Add(c);
            if (first is null && !c.Within(tolerance, criterion)) first = c;
        }
        return new LayerDivergence(compared, engine.Count, reference.Count, first);
    }
}
