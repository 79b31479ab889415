using System.Globalization;
using GpuEngine.Ir;

namespace GpuEngine.Cli;

/// <summary>The five most probable classes of one sample's logits (softmax), as `run` and `profile` print them.</summary>
internal static class TopClasses
{
    public static string Describe(Tensor logits, int sample)
    {
        int classes = (int)(logits.Shape.Elements / logits.Shape.N);
        var row = logits.Floats.AsSpan(sample * classes, classes).ToArray();
        double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
        var top = row.Select((v, i) => (Class: i, P: Math.Exp(v - max) / sum)).OrderByDescending(x => x.P).Take(5);
        return string.Join("  ", top.Select(t => $"{t.Class} ({t.P.ToString("P1", CultureInfo.InvariantCulture)})"));
    }
}
