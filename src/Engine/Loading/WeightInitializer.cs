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
/// linear layers variance 1/fan_in, and BatchNorm running statistics follow the mean and variance that reaches them
/// (mean and second moment propagated through the graph analytically, ReLU as a rectified Gaussian), times U(0.5, 1.5) — as trained statistics would, so summed
/// RepVGG branches do not grow by 2.5x a block. gamma ~ U(0.5, 1.5), beta and running_mean small.
/// </remarks>
public static class WeightInitializer
{
    /// <summary>The graph with freshly drawn weights for every parameter.</summary>
    public static Graph Initialize(Graph graph, ulong seed) => graph.WithWeights(Create(graph, seed));

    /// <summary>Draws every parameter of the graph.</summary>
    public static IReadOnlyDictionary<string, Tensor> Create(Graph graph, ulong seed)
    {
        // Mean and second moment of every tensor, propagated analytically (inputs ~ N(0, 1)).
        var stats = new Dictionary<string, Moments>();
        foreach (var input in graph.Inputs) stats[input.Name] = new(0, 1);
        var weights = new Dictionary<string, Tensor>();
        foreach (var node in graph.Nodes)
        {
            var x = node.Inputs.Count > 0 ? stats.GetValueOrDefault(node.Inputs[0], new(0, 1)) : new(0, 1);
            stats[node.Output] = node.Op switch
            {
                Conv2d c => new(0, Conv(node, c, graph.InputShape(node), x.Square, seed, weights)),
                Linear l => new(0, Dense(node, l, x.Square, seed, weights)),
                BatchNorm2d bn => Norm(node, bn, x, seed, weights),
                Relu or Relu6 => x.AfterRelu(),
                Add => node.Inputs.Select(i => stats.GetValueOrDefault(i, new(0, 1))).Aggregate((a, b) => new(a.Mean + b.Mean, a.Square + b.Square + 2 * a.Mean * b.Mean)),
                MaxPool2d p when p.Kernel.Area > 1 => new(1.5 * x.Mean, 2 * x.Square), // the max of a window exceeds a typical element
                _ => x,
            };
            foreach (var p in node.Op.Parameters)
            {
                var name = node.ParameterName(p.Role);
                if (!weights.ContainsKey(name)) weights[name] = Fill(p, name, seed, 0, 0.1f);
            }
        }
        return weights;
    }

    /// <summary>Mean and second moment (E[x], E[x^2]) of a tensor's elements.</summary>
    private readonly record struct Moments(double Mean, double Square)
    {
        public double Variance => Math.Max(Square - Mean * Mean, 1e-6);

        /// <summary>relu(x) for x ~ N(mean, variance): the rectified Gaussian's moments.</summary>
        public Moments AfterRelu()
        {
            double s = Math.Sqrt(Variance), z = Mean / s;
            double cdf = 0.5 * (1 + Erf(z / Math.Sqrt(2))), pdf = Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
            return new(Mean * cdf + s * pdf, (Mean * Mean + s * s) * cdf + Mean * s * pdf);
        }

        // Abramowitz and Stegun 7.1.26 (error below 1.5e-7): plenty for a scale estimate.
        private static double Erf(double x)
        {
            double t = 1 / (1 + 0.3275911 * Math.Abs(x));
            double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
            return x >= 0 ? y : -y;
        }
    }

    private static double Conv(Node node, Conv2d c, TensorShape x, double m, ulong seed, Dictionary<string, Tensor> weights)
    {
        // Taps that fall on zero padding add nothing: at small inputs they are most of a 3x3 kernel.
        double fanIn = c.InChannelsPerGroup * ValidTaps(x.H, c.Kernel.H, c.Stride.H, c.Padding.H, c.Dilation.H)
            * ValidTaps(x.W, c.Kernel.W, c.Stride.W, c.Padding.W, c.Dilation.W);
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

    /// <summary>Statistics as training would leave them: running_mean near the input's mean, running_var near its variance.</summary>
    private static Moments Norm(Node node, BatchNorm2d bn, Moments x, ulong seed, Dictionary<string, Tensor> weights)
    {
        var shape = new TensorShape(bn.Channels);
        double m = x.Square - 0.25 * x.Mean * x.Mean;
        float spread = (float)(0.1 * Math.Sqrt(m));
        // Half the estimated mean: the scalar estimate ignores per-channel spread, and removing all of it can
        // push a whole block below zero (dead ReLUs); keeping all of it lets the identity branch's mean pile up.
        float center = (float)(0.5 * x.Mean);
        weights[node.ParameterName("running_mean")] = Fill(new("running_mean", shape), node.ParameterName("running_mean"), seed, center - spread, center + spread);
        var gamma = Fill(new("weight", shape), node.ParameterName("weight"), seed, 0.5f, 1.5f);
        var beta = Fill(new("bias", shape), node.ParameterName("bias"), seed, -0.1f, 0.1f);
        var variance = Fill(new("running_var", shape), node.ParameterName("running_var"), seed, (float)(0.5 * m), (float)(1.5 * m));
        weights[node.ParameterName("weight")] = gamma;
        weights[node.ParameterName("bias")] = beta;
        weights[node.ParameterName("running_var")] = variance;
        // The output's second moment for these very draws (about 1.19, not 1): using it keeps the next
        // BatchNorm's statistics honest, so the ratio does not compound over 20 blocks.
        double sum = 0, mean = 0;
        for (int c = 0; c < bn.Channels; c++)
        {
            sum += gamma.Floats[c] * gamma.Floats[c] * m / variance.Floats[c] + beta.Floats[c] * beta.Floats[c];
            mean += beta.Floats[c];
        }
        return new(mean / bn.Channels, sum / bn.Channels);
    }

    /// <summary>Mean number of kernel taps per output position that land inside the input (not on padding).</summary>
    private static double ValidTaps(int size, int kernel, int stride, int pad, int dilation)
    {
        int outSize = (size + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
        long valid = 0;
        for (int o = 0; o < outSize; o++)
            for (int k = 0; k < kernel; k++)
            {
                int i = o * stride - pad + k * dilation;
                if (i >= 0 && i < size) valid++;
            }
        return Math.Max(1.0, (double)valid / outSize);
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
