using GpuEngine.Diagnostics;

namespace GpuEngine.Tests.Profiling;

/// <summary>The comparison figures of <c>gpuengine compare</c>, against values worked by hand.</summary>
public class TensorComparisonTests
{
    [Fact]
    public void Errors_cosine_and_top1_match_hand_worked_values()
    {
        // Two rows of three; the engine's second row has its argmax moved.
        float[] reference = [1, 2, 4, -2, 0, 1];
        float[] actual = [1, 2, 4.5f, -2, 1.5f, 1];
        var c = TensorComparison.Of("t", reference, actual, rows: 2);
        Assert.Equal(1.5, c.MaxAbsError, 12);
        Assert.Equal(4, c.MaxAbsReference);
        Assert.Equal(1.5 / 4, c.MaxRelativeError, 12);
        double dot = 1 + 4 + 18 + 4 + 0 + 1, nr = 1 + 4 + 16 + 4 + 0 + 1, na = 1 + 4 + 20.25 + 4 + 2.25 + 1;
        Assert.Equal(dot / Math.Sqrt(nr * na), c.Cosine, 12);
        Assert.Equal(0.5, c.Top1Agreement);
        Assert.True(c.Within(0.375, ToleranceCriterion.Relative));
        Assert.False(c.Within(0.374, ToleranceCriterion.Relative));
    }

    [Fact]
    public void A_nan_is_never_within_tolerance()
    {
        var c = TensorComparison.Of("t", [1f, 2f], [1f, float.NaN]);
        Assert.False(c.Within(1e9, ToleranceCriterion.Relative));
    }

    [Fact]
    public void The_first_divergence_skips_tensors_only_one_side_has()
    {
        var engine = new Dictionary<string, float[]> { ["a"] = [1, 2], ["fused"] = [0], ["c"] = [5, 5] };
        var reference = new Dictionary<string, float[]> { ["a"] = [1, 2], ["b"] = [9], ["c"] = [5, 6] };
        var d = LayerDivergence.Find(["a", "fused", "c"], engine, reference, 1e-4, ToleranceCriterion.Relative);
        Assert.Equal(["a", "c"], d.Compared.Select(x => x.Name));
        Assert.Equal("c", d.FirstBeyond?.Name);
        Assert.Equal(1.0 / 6, d.FirstBeyond!.MaxRelativeError, 12);
    }
}
