using System.Text;
using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Loading;

/// <summary>
/// Deterministic random weights for any graph (<c>--seed</c>, sample models, tests). Each parameter draws from its
/// own stream, seeded by the seed and the parameter's name, so the same name gets the same values in any model
/// built around it, on any .NET version (SplitMix64, not System.Random).
/// </summary>
/// <remarks>
/// Scales keep activations O(1) through deep stacks: convolutions are Kaiming-uniform (variance 2/fan_in, for ReLU),
/// linear layers variance 1/fan_in, and BatchNorm running variances follow the second moment that reaches them
/// (propagated through the graph analytically), times U(0.5, 1.5) — as trained statistics would, so summed
/// RepVGG branches do not grow by 2.5x a block. gamma ~ U(0.5, 1.5), beta and running_mean small.
/// </remarks>
public static class WeightInitializer
{
    /// <summary>The graph with freshly drawn weights for every parameter.</summary>
    public static Graph Initialize(Graph graph, ulong seed) => graph.WithWeights(Create(graph, seed));

    /// <summary>Draws every parameter of the graph.</summary>
    public static IReadOnlyDictionary<string, Tensor> Create(Graph graph, ulong seed)
    {
        var moment = new Dictionary<string, double>();
        foreach (var input in graph.Inputs) moment[input.Name] = 1.0;
        var weights = new Dictionary<string, Tensor>();
        foreach (var node in graph.Nodes)
        {
            double m = node.Inputs.Count > 0 ? moment.GetValueOrDefault(node.Inputs[0], 1.0) : 1.0;
            moment[node.Output] = node.Op switch
            {
                Conv2d c => Conv(node, c, m, seed, weights),
                Linear l => Dense(node, l, m, seed, weights),
                BatchNorm2d bn => Norm(node, bn, m, seed, weights),
                Relu or Relu6 => m / 2,
                Add => node.Inputs.Sum(i => moment.GetValueOrDefault(i, 1.0)),
                _ => m,
            };
            foreach (var p in node.Op.Parameters)
            {
                var name = node.ParameterName(p.Role);
                if (!weights.ContainsKey(name)) weights[name] = Fill(p, name, seed, 0, 0.1f);
            }
        }
        return weights;
    }

    private static double Conv(Node node, Conv2d c, double m, ulong seed, Dictionary<string, Tensor> weights)
    {
        double fanIn = c.ReductionLength;
        float bound = (float)Math.Sqrt(6 / fanIn);
        weights[node.ParameterName("weight")] = Fill(new("weight", c.WeightShape), node.ParameterName("weight"), seed, -bound, bound);
        if (c.HasBias)
        {
            float b = (float)(0.1 / Math.Sqrt(fanIn));
            weights[node.ParameterName("bias")] = Fill(new("bias", new TensorShape(c.OutChannels)), node.ParameterName("bias"), seed, -b, b);
        }
        return 2 * m;
    }

    private static double Dense(Node node, Linear l, double m, ulong seed, Dictionary<string, Tensor> weights)
    {
        float bound = (float)Math.Sqrt(3.0 / l.InFeatures);
        weights[node.ParameterName("weight")] = Fill(new("weight", new TensorShape(l.OutFeatures, l.InFeatures)), node.ParameterName("weight"), seed, -bound, bound);
        if (l.HasBias) weights[node.ParameterName("bias")] = Fill(new("bias", new TensorShape(l.OutFeatures)), node.ParameterName("bias"), seed, -0.1f, 0.1f);
        return m;
    }

    private static double Norm(Node node, BatchNorm2d bn, double m, ulong seed, Dictionary<string, Tensor> weights)
    {
        var shape = new TensorShape(bn.Channels);
        weights[node.ParameterName("weight")] = Fill(new("weight", shape), node.ParameterName("weight"), seed, 0.5f, 1.5f);
        weights[node.ParameterName("bias")] = Fill(new("bias", shape), node.ParameterName("bias"), seed, -0.1f, 0.1f);
        float spread = (float)(0.1 * Math.Sqrt(m));
        weights[node.ParameterName("running_mean")] = Fill(new("running_mean", shape), node.ParameterName("running_mean"), seed, -spread, spread);
        weights[node.ParameterName("running_var")] = Fill(new("running_var", shape), node.ParameterName("running_var"), seed, (float)(0.5 * m), (float)(1.5 * m));
        return 1.0;
    }

    /// <summary>U(lo, hi) for float parameters; small integers for int8/int32 ones.</summary>
    private static Tensor Fill(ParameterSpec p, string name, ulong seed, float lo, float hi)
    {
        var rng = new SplitMix64(seed ^ Fnv1a(name));
        int n = (int)p.Shape.Elements;
        switch (p.DataType)
        {
            case DataType.Float32:
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = lo + (hi - lo) * rng.NextFloat();
                return Tensor.FromFloats(p.Shape, f);
            case DataType.Int8:
                var s = new sbyte[n];
                for (int i = 0; i < n; i++) s[i] = (sbyte)(rng.Next() % 255 - 127);
                return new Tensor(p.Shape, DataType.Int8, s);
            default:
                var w = new int[n];
                for (int i = 0; i < n; i++) w[i] = (int)(rng.Next() % 2001) - 1000;
                return new Tensor(p.Shape, DataType.Int32, w);
        }
    }

    private static ulong Fnv1a(string text)
    {
        ulong h = 14695981039346656037;
        foreach (var b in Encoding.UTF8.GetBytes(text)) h = (h ^ b) * 1099511628211;
        return h;
    }

    /// <summary>Steele, Lea and Flood's SplitMix64: tiny, fast, and fixed forever (unlike System.Random's algorithm).</summary>
    private struct SplitMix64(ulong state)
    {
        public ulong Next()
        {
            ulong z = state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1) with 24 bits.</summary>
        public float NextFloat() => (Next() >> 40) * (1.0f / (1 << 24));
    }
}
