namespace GpuEngine.Diagnostics;

/// <summary>
/// How far one float tensor is from a reference: max |a − r|; relative error = max |a − r| / max |r| (the project's one
/// definition, as every test and doc uses it: robust to reference elements near zero); cosine similarity of the
/// flattened tensors; top-1 agreement = share of rows (first dimension) whose argmax is the same.
/// </summary>
public sealed record TensorComparison(string Name, long Elements, double MaxAbsError, double MaxAbsReference, double MaxRelativeError, double Cosine, double Top1Agreement)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="reference"/>, both <paramref name="rows"/> rows of equal length.</summary>
    public static TensorComparison Of(string name, ReadOnlySpan<float> reference, ReadOnlySpan<float> actual, int rows = 1)
    {
        if (reference.Length != actual.Length)
            throw new GpuEngineException($"tensor '{name}': the reference has {reference.Length} elements, the engine {actual.Length}");
        if (rows <= 0 || reference.Length % rows != 0) rows = 1;
        double maxError = 0, maxReference = 0, dot = 0, normR = 0, normA = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double r = reference[i], a = actual[i];
            double error = Math.Abs(r - a);
            // NaN in either is a disagreement, never a match.
            if (double.IsNaN(error)) error = double.PositiveInfinity;
            maxError = Math.Max(maxError, error);
            maxReference = Math.Max(maxReference, Math.Abs(r));
            dot += r * a;
            normR += r * r;
            normA += a * a;
        }
        double cosine = normR == 0 && normA == 0 ? 1 : dot / Math.Sqrt(normR * normA);
        if (double.IsNaN(cosine)) cosine = 0;
        double relative = maxError == 0 ? 0 : maxError / Math.Max(maxReference, 1e-30);
        return new TensorComparison(name, reference.Length, maxError, maxReference, relative, cosine, Top1(reference, actual, rows));
    }

    /// <summary>Whether this tensor is within <paramref name="tolerance"/> under <paramref name="criterion"/>.</summary>
    public bool Within(double tolerance, ToleranceCriterion criterion) => criterion switch
    {
        ToleranceCriterion.Cosine => 1 - Cosine <= tolerance,
        _ => MaxRelativeError <= tolerance,
    };

    private static double Top1(ReadOnlySpan<float> reference, ReadOnlySpan<float> actual, int rows)
    {
        if (reference.Length == 0) return 1;
        int width = reference.Length / rows, agree = 0;
        for (int row = 0; row < rows; row++)
        {
            if (ArgMax(reference.Slice(row * width, width)) == ArgMax(actual.Slice(row * width, width))) agree++;
        }
        return (double)agree / rows;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

/// <summary>What a tolerance bounds: fp32 bounds the relative error; int8 (whose rounding is expected) bounds 1 − cosine.</summary>
public enum ToleranceCriterion
{
    Relative,
    Cosine,
}
