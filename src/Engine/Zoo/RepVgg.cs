using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Zoo;

/// <summary>
/// RepVGG (Ding et al., 2021) as in the official repository: stage0 is one block, stages 1-4 have
/// the listed number of blocks, the first block of every stage has stride 2, all convolutions 3x3.
/// Train-time blocks sum a 3x3 conv+BN, a 1x1 conv+BN and (where shapes allow) an identity BN, then ReLU;
/// deploy blocks are one 3x3 conv with bias, then ReLU.
/// </summary>
public static class RepVgg
{
    /// <param name="Widths">Output channels of stages 0..4.</param>
    /// <param name="Blocks">Blocks in stages 0..4 (stage 0 always has one).</param>
    /// <param name="GroupedLayers">Groups by block index (1 = first block of stage 1), as the repository's override_groups_map.</param>
    public sealed record Config(string Name, int[] Widths, int[] Blocks, IReadOnlyDictionary<int, int> GroupedLayers, bool Seed);

    private static readonly int[] OptionalGroupwiseLayers = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26];
    private static readonly Dictionary<int, int> NoGroups = [];
    private static Dictionary<int, int> Groups(int g) => OptionalGroupwiseLayers.ToDictionary(l => l, _ => g);

    /// <summary>The public family: width multipliers a (stages 1-3) and b (stage 4); stage0 = min(64, 64a).</summary>
    private static Config Public(string name, double a, double b, int[] blocks, Dictionary<int, int> groups) =>
        new(name, [Math.Min(64, (int)(64 * a)), (int)(64 * a), (int)(128 * a), (int)(256 * a), (int)(512 * b)], [1, .. blocks], groups, Seed: false);

    private static readonly int[] ABlocks = [2, 4, 14, 1];
    private static readonly int[] BBlocks = [4, 6, 16, 1];

    public static IReadOnlyList<Config> Configs { get; } =
    [
        Public("repvgg-a0", 0.75, 2.5, ABlocks, NoGroups),
        Public("repvgg-a1", 1, 2.5, ABlocks, NoGroups),
        Public("repvgg-a2", 1.5, 2.75, ABlocks, NoGroups),
        Public("repvgg-b0", 1, 2.5, BBlocks, NoGroups),
        Public("repvgg-b1", 2, 4, BBlocks, NoGroups),
        Public("repvgg-b1g2", 2, 4, BBlocks, Groups(2)),
        Public("repvgg-b1g4", 2, 4, BBlocks, Groups(4)),
        Public("repvgg-b2", 2.5, 5, BBlocks, NoGroups),
        Public("repvgg-b2g4", 2.5, 5, BBlocks, Groups(4)),
        Public("repvgg-b3", 3, 5, BBlocks, NoGroups),
        // The seed variants (counting-conventions.md §3), defined by the seed tables at 112x112, 89 classes.
        new("repvgg-n0", [64, 64, 128, 256, 512], [1, 2, 4, 14, 1], NoGroups, Seed: true),
        new("repvgg-n1", [16, 16, 32, 64, 128], [1, 2, 4, 14, 1], NoGroups, Seed: true),
        new("repvgg-n2", [32, 32, 64, 128, 256], [1, 2, 4, 14, 1], NoGroups, Seed: true),
        new("repvgg-n3", [16, 16, 32, 64, 512], [1, 2, 4, 14, 1], NoGroups, Seed: true),
        new("repvgg-n4", [32, 32, 64, 128, 512], [1, 2, 4, 14, 1], NoGroups, Seed: true),
        new("repvgg-m0", [64, 64, 128, 256, 512], [1, 2, 2, 2, 2], NoGroups, Seed: true),
        new("repvgg-m1", [48, 48, 96, 192, 1280], [1, 2, 2, 2, 2], NoGroups, Seed: true),
    ];

    internal static IEnumerable<ZooModel> Models()
    {
        foreach (var c in Configs)
        {
            var input = c.Seed ? new TensorShape(1, 3, 112, 112) : new TensorShape(1, 3, 224, 224);
            int classes = c.Seed ? 89 : 1000;
            string shape = $"widths {string.Join('/', c.Widths)}, blocks {string.Join('/', c.Blocks)}";
            yield return new ZooModel(c.Name, "RepVGG", $"deploy form ({shape})", input, classes, (x, k) => Build(c, x, k, deploy: true));
            yield return new ZooModel(c.Name + "-train", "RepVGG", "train-time form (3x3+BN, 1x1+BN, identity BN)", input, classes,
                (x, k) => Build(c, x, k, deploy: false));
        }
    }

    public static Graph Build(Config config, TensorShape input, int classes, bool deploy)
    {
        var b = new GraphBuilder(deploy ? config.Name : config.Name + "-train");
        var x = b.Input("input", input);
        int inChannels = input.C;
        int layerIndex = 0;
        for (int stage = 0; stage < 5; stage++)
        {
            for (int i = 0; i < config.Blocks[stage]; i++)
            {
                string name = stage == 0 ? "stage0" : $"stage{stage}.{i}";
                int groups = config.GroupedLayers.GetValueOrDefault(layerIndex, 1);
                int outChannels = config.Widths[stage];
                x = deploy
                    ? DeployBlock(b, name, x, inChannels, outChannels, i == 0 ? 2 : 1, groups)
                    : TrainBlock(b, name, x, inChannels, outChannels, i == 0 ? 2 : 1, groups);
                inChannels = outChannels;
                layerIndex++;
            }
        }
        x = b.Add("gap", new AdaptiveAvgPool2d(1), x);
        x = b.AddFunctional("flatten", new Flatten(), x);
        x = b.Add("linear", new Linear(inChannels, classes), x);
        b.Output(x);
        return b.Build();
    }

    private static string DeployBlock(GraphBuilder b, string name, string x, int cin, int cout, int stride, int groups)
    {
        b.BeginScope(name, "RepVGGBlock");
        x = b.Add($"{name}.rbr_reparam", Conv2d.Square(cin, cout, 3, stride, 1, groups, bias: true), x);
        x = b.Add($"{name}.nonlinearity", new Relu(), x);
        b.EndScope();
        return x;
    }

    private static string TrainBlock(GraphBuilder b, string name, string x, int cin, int cout, int stride, int groups)
    {
        b.BeginScope(name, "RepVGGBlock");
        string? identity = cin == cout && stride == 1 ? b.Add($"{name}.rbr_identity", new BatchNorm2d(cin), x) : null;
        var dense = b.Add($"{name}.rbr_dense.conv", Conv2d.Square(cin, cout, 3, stride, 1, groups, bias: false), x);
        dense = b.Add($"{name}.rbr_dense.bn", new BatchNorm2d(cout), dense);
        var pointwise = b.Add($"{name}.rbr_1x1.conv", Conv2d.Square(cin, cout, 1, stride, 0, groups, bias: false), x);
        pointwise = b.Add($"{name}.rbr_1x1.bn", new BatchNorm2d(cout), pointwise);
        var sum = b.AddFunctional($"{name}.add", new Add(), dense, pointwise);
        if (identity is not null) sum = b.AddFunctional($"{name}.add", new Add(), sum, identity);
        x = b.Add($"{name}.nonlinearity", new Relu(), sum);
        b.EndScope();
        return x;
    }
}
