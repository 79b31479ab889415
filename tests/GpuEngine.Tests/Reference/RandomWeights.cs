using GpuEngine.Ir;

namespace GpuEngine.Tests.Reference;

/// <summary>Fresh random weights and inputs for tests (never all zeros), from a seed.</summary>
internal static class RandomWeights
{
    /// <summary>Fills every parameter: conv/linear weights ~ U(-a, a) with a = sqrt(3/fan_in); BN statistics away from trivial values.</summary>
    public static Ir.Graph Fill(Ir.Graph graph, int seed)
    {
        var random = new Random(seed);
        var weights = new Dictionary<string, Tensor>();
        foreach (var (name, info) in graph.Parameters)
        {
            var data = new float[info.Shape.Elements];
            string role = name[(name.LastIndexOf('.') + 1)..];
            double fanIn = info.Shape.Rank > 1 ? info.Shape.Elements / info.Shape[0] : 1;
            for (int i = 0; i < data.Length; i++)
            {
                double u = random.NextDouble();
                data[i] = (float)(role switch
                {
                    "weight" when info.Shape.Rank > 1 => (2 * u - 1) * Math.Sqrt(3.0 / fanIn),
                    "weight" => 0.5 + u,          // BatchNorm gamma
                    "running_var" => 0.5 + u,
                    "running_mean" => 0.2 * (2 * u - 1),
                    _ => 0.1 * (2 * u - 1),       // biases and BatchNorm beta
                });
            }
            weights[name] = Tensor.FromFloats(info.Shape, data);
        }
        return graph.WithWeights(weights);
    }

    public static double[] Input(TensorShape shape, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, (int)shape.Elements).Select(_ => 2 * random.NextDouble() - 1)];
    }
}
