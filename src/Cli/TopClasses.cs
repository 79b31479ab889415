using System.Globalization;
using GpuEngine.Ir;

namespace GpuEngine.Cli;

/// <summary>The five most probable classes of one sample's logits (softmax), as `run` and `profile` print them.</summary>
internal static class TopClasses
{
    /// <summary>"index name (p %)" for the top five; the name where <paramref name="labels"/> gives one.</summary>
    public static string Describe(Tensor logits, int sample, IReadOnlyList<string>? labels = null) =>
        string.Join("  ", Top(logits, sample).Select(t =>
            $"{t.Class}{(labels is null ? "" : " " + labels[t.Class])} ({t.Probability.ToString("P1", CultureInfo.InvariantCulture)})"));

    /// <summary>The five classes of highest softmax probability, most probable first.</summary>
    public static IEnumerable<(int Class, double Probability)> Top(Tensor logits, int sample)
    {
        int classes = Classes(logits);
        var row = logits.Floats.AsSpan(sample * classes, classes).ToArray();
        double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
        return row.Select((v, i) => (Class: i, P: Math.Exp(v - max) / sum)).OrderByDescending(x => x.P).Take(5);
    }

    /// <summary>Outputs per sample.</summary>
    public static int Classes(Tensor logits) => (int)(logits.Shape.Elements / logits.Shape.N);
}
