using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Quantization;

namespace GpuEngine.Sessions;

/// <summary>SQNR of one layer's dequantized int8 output against its fp32 output, over all evaluation inputs.</summary>
public sealed record LayerSqnr(string Node, string Op, double SqnrDb);

/// <summary>
/// int8 against fp32 on the same inputs. Per sample (each batch row): cosine similarity of the logits, top-1 agreement
/// (same argmax), top-5 agreement (fp32's top-1 class among int8's top 5), and the largest |logit difference|.
/// </summary>
public sealed record FidelityReport(string Model, string Device, string Calibration, string Mode, int Samples, double MeanCosine, double MinCosine,
    double Top1Agreement, double Top5Agreement, double MaxAbsError, double MaxAbsLogit, IReadOnlyList<LayerSqnr> Layers);

/// <summary>Measures a <see cref="FidelityReport"/>: both precisions run with every intermediate readable (PlanMemory = false).</summary>
public static class Fidelity
{
    /// <summary>Evaluation inputs are uniform [−1, 1) from seeds Seed+10001.. so they never repeat the calibration's.</summary>
    public const int SeedOffset = 10001;

    public static FidelityReport Measure(Graph graph, SessionOptions options, QuantizedModel quantized, int samples, int seed)
    {
        if (samples <= 0) throw new GpuEngineException($"fidelity needs at least one input, got {samples}");
        using var fp32 = new InferenceSession(graph, options with { Precision = Planning.Precision.Fp32, PlanMemory = false, Quantization = null });
        using var int8 = new InferenceSession(graph, options with { Precision = Planning.Precision.Int8, PlanMemory = false, Quantization = quantized });
        var layers = int8.ExecutionGraph.Nodes.Where(n => n.Op is Conv2d or Linear or AdaptiveAvgPool2d).ToList();
        var signal = new double[layers.Count];
        var noise = new double[layers.Count];
        var cosines = new List<double>();
        int top1 = 0, top5 = 0;
        double maxError = 0, maxLogit = 0;
        for (int i = 0; i < samples; i++)
        {
            var input = RandomInput.Uniform(graph.Inputs[0].Shape, seed + SeedOffset + i);
            var reference = fp32.Run(input).Floats;
            var result = int8.Run(input).Floats;
            int batch = fp32.OutputMetadata[0].Shape.N, classes = reference.Length / batch;
            for (int n = 0; n < batch; n++)
            {
                var r = reference.AsSpan(n * classes, classes);
                var q = result.AsSpan(n * classes, classes);
                cosines.Add(Cosine(r, q));
                int best = ArgMax(r);
                if (ArgMax(q) == best) top1++;
                if (TopK(q, 5).Contains(best)) top5++;
                for (int c = 0; c < classes; c++)
                {
                    maxError = Math.Max(maxError, Math.Abs(r[c] - q[c]));
                    maxLogit = Math.Max(maxLogit, Math.Abs(r[c]));
                }
            }
            for (int l = 0; l < layers.Count; l++)
            {
                var name = layers[l].Output;
                var f = fp32.ReadTensor(name).Floats;
                var qv = int8.ReadTensor(name).AsSpan<sbyte>();
                float scale = quantized.Scale(name);
                for (int k = 0; k < f.Length; k++)
                {
                    double d = f[k] - qv[k] * (double)scale;
                    signal[l] += (double)f[k] * f[k];
                    noise[l] += d * d;
                }
            }
        }
        var sqnr = layers.Select((n, l) => new LayerSqnr(n.Name, n.Op.TypeName,
            noise[l] == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal[l] / noise[l]))).ToList();
        int count = cosines.Count;
        return new FidelityReport(graph.Name, int8.Backend.Name, quantized.Calibration, options.Int8Mode.ToString().ToLowerInvariant(), count,
            cosines.Average(), cosines.Min(), (double)top1 / count, (double)top5 / count, maxError, maxLogit, sqnr);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? (aa == bb ? 1 : 0) : ab / Math.Sqrt(aa * bb);
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int[] TopK(ReadOnlySpan<float> v, int k)
    {
        var values = v.ToArray();
        return [.. Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k)];
    }
}
