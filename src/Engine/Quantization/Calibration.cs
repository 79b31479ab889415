using GpuEngine.Execution;
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
        + (Method == CalibrationMethod.MinMax ? ", min/max" : $", {Percentile}th percentile of |x|");

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
/// Per-tensor activation ranges (max |x|) from fp32 runs with every intermediate in its own buffer (PlanMemory = false),
/// so each node's output can be read back. Keys are the execution graph's tensor names (input and node outputs).
/// </summary>
public static class Calibration
{
    /// <summary>Runs <paramref name="graph"/> prepared as <paramref name="session"/> says (fp32) on the calibration inputs.</summary>
    public static (Graph ExecutionGraph, Dictionary<string, double> Ranges) Measure(Graph graph, SessionOptions session, CalibrationOptions options)
    {
        using var fp32 = new InferenceSession(graph, session with { Precision = Planning.Precision.Fp32, PlanMemory = false, Quantization = null });
        var exec = fp32.ExecutionGraph;
        var names = exec.Inputs.Take(1).Select(i => i.Name).Concat(exec.Nodes.Select(n => n.Output)).Distinct().ToList();
        var values = names.ToDictionary(n => n, _ => new List<float[]>());
        foreach (var input in options.Inputs(exec.Inputs[0].Shape))
        {
            fp32.Run(input);
            foreach (var name in names) values[name].Add(fp32.ReadTensor(name).Floats);
        }
        return (exec, values.ToDictionary(p => p.Key, p => Range(p.Value, options)));
    }

    private static double Range(List<float[]> samples, CalibrationOptions options)
    {
        if (options.Method == CalibrationMethod.MinMax) return samples.Max(s => s.Length == 0 ? 0 : s.Max(v => Math.Abs(v)));
        if (!(options.Percentile > 0 && options.Percentile <= 100))
            throw new GpuEngineException($"calibration percentile must be in (0, 100], got {options.Percentile}");
        var all = samples.SelectMany(s => s).Select(Math.Abs).ToArray();
        if (all.Length == 0) return 0;
        Array.Sort(all);
        int index = (int)Math.Ceiling(options.Percentile / 100 * all.Length) - 1;
        return all[Math.Clamp(index, 0, all.Length - 1)];
    }
}
