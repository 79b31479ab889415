using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Zoo;

/// <summary>VGG11/13/16/19 with and without BatchNorm, in torchvision's layout (features.N, avgpool, classifier.N).</summary>
public static class Vgg
{
    private const int M = 0; // a 2x2 max pool in the configuration lists

    private static readonly Dictionary<string, int[]> Configs = new()
    {
        ["vgg11"] = [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        ["vgg13"] = [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        ["vgg16"] = [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
        ["vgg19"] = [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M],
    };

    internal static IEnumerable<ZooModel> Models()
    {
        foreach (var (name, config) in Configs)
        {
            foreach (bool bn in new[] { false, true })
            {
                string full = bn ? name + "_bn" : name;
                int convs = config.Count(c => c != M);
                yield return new ZooModel(full, "VGG", $"{convs} conv + 3 linear layers{(bn ? ", BatchNorm" : "")}",
                    new TensorShape(1, 3, 224, 224), 1000, (x, k) => Build(full, config, bn, x, k));
            }
        }
    }

    private static Graph Build(string name, int[] config, bool batchNorm, TensorShape input, int classes)
    {
        var b = new GraphBuilder(name);
        var x = b.Input("input", input);
        int channels = input.C, index = 0;
        foreach (var c in config)
        {
            if (c == M)
            {
                x = b.Add($"features.{index++}", new MaxPool2d(2, 2, 0), x);
                continue;
            }
            x = b.Add($"features.{index++}", Conv2d.Square(channels, c, 3, 1, 1), x);
            if (batchNorm) x = b.Add($"features.{index++}", new BatchNorm2d(c), x);
            x = b.Add($"features.{index++}", new Relu(), x);
            channels = c;
        }
        x = b.Add("avgpool", new AdaptiveAvgPool2d(7), x);
        x = b.AddFunctional("flatten", new Flatten(), x);
        x = b.Add("classifier.0", new Linear(channels * 7 * 7, 4096), x);
        x = b.Add("classifier.1", new Relu(), x);
        x = b.Add("classifier.2", new Dropout(0.5f), x);
        x = b.Add("classifier.3", new Linear(4096, 4096), x);
        x = b.Add("classifier.4", new Relu(), x);
        x = b.Add("classifier.5", new Dropout(0.5f), x);
        x = b.Add("classifier.6", new Linear(4096, classes), x);
        b.Output(x);
        return b.Build();
    }
}
