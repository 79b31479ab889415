using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Planning;

/// <summary>
/// Small random DAGs for property tests: 1x1 convolutions that change width, ReLU/BatchNorm/Dropout on any
/// earlier tensor, residual Adds between tensors of equal width, and now and then an extra graph output.
/// </summary>
internal static class RandomGraphs
{
    public static Ir.Graph Dag(int seed, int nodes, int spatial = 2)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder($"random-{seed}");
        var tensors = new List<(string Name, int Channels)> { (b.Input("input", new TensorShape(1, 4, spatial, spatial)), 4) };
        int[] widths = [1, 2, 4, 8];
        for (int i = 0; i < nodes; i++)
        {
            // Prefer recent tensors, as real networks do, but reach back sometimes to make long lifetimes.
            var (x, c) = tensors[rng.Next(2) == 0 ? tensors.Count - 1 : rng.Next(tensors.Count)];
            string name = $"n{i}";
            switch (rng.Next(6))
            {
                case 0:
                case 1:
                    int cout = widths[rng.Next(widths.Length)];
                    tensors.Add((b.Add(name, Conv2d.Square(c, cout, 1), x), cout));
                    break;
                case 2:
                    tensors.Add((b.Add(name, rng.Next(2) == 0 ? new Relu() : new Relu6(), x), c));
                    break;
                case 3:
                    tensors.Add((b.Add(name, new BatchNorm2d(c), x), c));
                    break;
                case 4:
                    tensors.Add((b.Add(name, new Dropout(), x), c));
                    break;
                default:
                    var same = tensors.Where(t => t.Channels == c).ToList();
                    var (y, _) = same[rng.Next(same.Count)];
                    tensors.Add((b.Add(name, new Add(), x, y), c));
                    break;
            }
        }
        b.Output(tensors[^1].Name);
        if (rng.Next(3) == 0 && tensors.Count > 2) b.Output(tensors[rng.Next(1, tensors.Count - 1)].Name);
        return b.Build();
    }

    /// <summary>A chain input -> conv -> (relu | bn | conv) ... with random widths: every tensor read once, by the next step.</summary>
    public static Ir.Graph Chain(int seed, int nodes)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder($"chain-{seed}");
        var x = b.Input("input", new TensorShape(1, 3, 4, 4));
        int c = 3;
        for (int i = 0; i < nodes; i++)
        {
            int kind = rng.Next(3);
            if (kind == 0 || i == 0)
            {
                int cout = 1 + rng.Next(32);
                x = b.Add($"n{i}", Conv2d.Square(c, cout, 1), x);
                c = cout;
            }
            else x = b.Add($"n{i}", kind == 1 ? new Relu() : new BatchNorm2d(c), x);
        }
        b.Output(x);
        return b.Build();
    }
}
