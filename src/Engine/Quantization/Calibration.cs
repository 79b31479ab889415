using GpuEngine.Ir;
using GpuEngine.Loading;

namespace GpuEngine.Quantization;

/// <summary>How an activation's range is taken from the calibration samples.</summary>
public enum CalibrationMethod
{
    /// <summary>The largest |x| seen: nothing clips, but one outlier coarsens the whole tensor's grid.</summary>
    MinMax,

    /// <summary>The <see cref="CalibrationOptions.Percentile"/>-th percentile of |x| over all samples: outliers clip.</summary>
    Percentile,

    /// <summary>
    /// The clipping threshold whose int8 grid reproduces the samples with the least mean squared error
    /// (<see cref="Calibration.MseThreshold"/>): outliers clip only where that costs less than the coarser grid.
    /// </summary>
    Mse,
}

/// <summary>
/// Calibration settings. Defaults (also what an int8 session without a quantized model uses): 8 random inputs,
/// uniform in [−1, 1) from seeds Seed+1 .. Seed+Samples (RandomInput), min/max.
/// </summary>
public sealed record CalibrationOptions
{
    public int Samples { get; init; } = 8;
    public int Seed { get; init; }
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Percentile of |x| for <see cref="CalibrationMethod.Percentile"/>, in (0, 100]. Default 99.99.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>A folder of .npy inputs to calibrate on instead of random ones (all of them, in name order).</summary>
    public string? Directory { get; init; }

    /// <summary>The calibration in words, stored in the quantized model.</summary>
    public string Describe() =>
        (Directory is null ? $"{Samples} random inputs (uniform [-1, 1), seeds {Seed + 1}..{Seed + Samples})" : $".npy inputs of '{Directory}'")
        + Method switch
        {
            CalibrationMethod.Percentile => $", {Percentile}th percentile of |x|",
            CalibrationMethod.Mse => ", MSE-optimal clipping of |x|",
            _ => ", min/max",
        };

    /// <summary>The calibration inputs for a graph input of <paramref name="shape"/>.</summary>
    public IReadOnlyList<Tensor> Inputs(TensorShape shape)
    {
        if (Directory is null)
        {
            if (Samples <= 0) throw new GpuEngineException($"calibration needs at least one sample, got --calib {Samples}");
            return [.. Enumerable.Range(1, Samples).Select(i => RandomInput.Uniform(shape, Seed + i))];
        }
        if (!System.IO.Directory.Exists(Directory)) throw new GpuEngineException($"--calib-dir '{Directory}' is not a folder");
        var files = System.IO.Directory.GetFiles(Directory, "*.npy").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new GpuEngineException($"--calib-dir '{Directory}' holds no .npy files");
        return [.. files.Select(f =>
        {
            var t = NpyFile.Read(f);
            return t.Shape == shape && t.DataType == DataType.Float32 ? t
                : throw new GpuEngineException($"calibration input '{f}' is {t.DataType.Name()} {t.Shape}; the model takes float32 {shape}");
        })];
    }
}

/// <summary>
/// How a tensor's range (clipping threshold: min/max, percentile or MSE) is taken from its values in the calibration
/// samples. Measuring those values is <c>GpuEngine.Sessions.Calibrator</c>'s (it runs an fp32 session).
/// </summary>
public static class Calibration
{
    /// <summary>The range (clipping threshold) of one tensor from its values in every calibration sample, by <paramref name="options"/>' method.</summary>
    public static double Range(IReadOnlyList<float[]> samples, CalibrationOptions options)
    {
        if (options.Method == CalibrationMethod.MinMax) return samples.Max(MaxAbs);
        var all = samples.SelectMany(s => s).ToArray();
        if (options.Method == CalibrationMethod.Mse) return MseThreshold(all);
        if (!(options.Percentile > 0 && options.Percentile <= 100))
            throw new GpuEngineException($"calibration percentile must be in (0, 100], got {options.Percentile}");
        var magnitudes = all.Select(Math.Abs).ToArray();
        if (magnitudes.Length == 0) return 0;
        Array.Sort(magnitudes);
        int index = (int)Math.Ceiling(options.Percentile / 100 * magnitudes.Length) - 1;
        return magnitudes[Math.Clamp(index, 0, magnitudes.Length - 1)];
    }

    /// <summary>Candidates of the MSE search's first pass: the fractions k / CoarseSteps of max |x|, k = 1..CoarseSteps.</summary>
    public const int CoarseSteps = 128;

    /// <summary>The second pass splits the two coarse steps around the first pass's best into this many parts.</summary>
    public const int FineSteps = 32;

    /// <summary>
    /// The clipping threshold T in (0, max |x|] whose symmetric int8 grid (scale T/127) quantizes <paramref name="values"/>
    /// with the least mean squared error (<see cref="QuantizationError"/>). A grid search, exact over all values at each
    /// candidate: first the fractions k/128 of max |x| (k = 128, min/max, down to 1), then the 31 points that split the two
    /// coarse steps around the best into 32 (a resolution of max |x| / 2048). Ties keep the larger threshold (less clipping), so min/max wins where clipping gains nothing,
    /// and the result is never worse than min/max. 0 for an all-zero tensor.
    /// </summary>
    public static double MseThreshold(float[] values)
    {
        double max = MaxAbs(values);
        if (max == 0) return 0;
        double step = max / CoarseSteps, best = max, bestError = QuantizationError(values, max);
        void Try(double threshold)
        {
            double error = QuantizationError(values, threshold);
            if (error < bestError) (best, bestError) = (threshold, error);
        }
        for (int k = CoarseSteps - 1; k >= 1; k--) Try(k * step);
        double low = Math.Max(best - step, step / FineSteps), high = Math.Min(best + step, max);
        for (int i = FineSteps - 1; i >= 1; i--) Try(low + (high - low) * i / FineSteps);
        return best;
    }

    /// <summary>
    /// Mean squared error of <paramref name="values"/> after int8 quantization at clipping threshold <paramref name="threshold"/> and back:
    /// q = clamp(round(x / scale), −128, 127) with scale = threshold / 127 (the session's scale; round half to even and saturation as the
    /// Quantize kernel does), error (x − q·scale)².
    /// </summary>
    public static double QuantizationError(float[] values, double threshold)
    {
        if (values.Length == 0) return 0;
        double scale = QuantMath.Scale(threshold), inverse = 1 / scale, sum = 0;
        foreach (float v in values)
        {
            double error = v - Math.Clamp(Math.Round(v * inverse), -128, 127) * scale;
            sum += error * error;
        }
        return sum / values.Length;
    }

    private static double MaxAbs(float[] values) => values.Length == 0 ? 0 : values.Max(v => Math.Abs(v));
}
