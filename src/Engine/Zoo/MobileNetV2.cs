using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Zoo;

/// <summary>
/// MobileNetV2 (width 1.0) in torchvision's layout: features.0 is Conv2d+BatchNorm2d+ReLU6,
/// features.1-17 are inverted residual blocks (conv.N paths, Add where stride 1 and widths match),
/// features.18 the 1x1 conv to 1280, then global average pooling, Dropout and Linear.
/// </summary>
public static class MobileNetV2
{
    // expansion t, output channels c, repeats n, first stride s
    private static readonly (int T, int C, int N, int S)[] Settings =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    internal static IEnumerable<ZooModel> Models()
    {
        yield return new ZooModel("mobilenet_v2", "MobileNetV2", "inverted residuals, depthwise 3x3, ReLU6",
            new TensorShape(1, 3, 224, 224), 1000, Build);
    }

    public static Graph Build(TensorShape input, int classes)
    {
        var b = new GraphBuilder("mobilenet_v2");
        var x = b.Input("input", input);
        x = ConvBnRelu6(b, "features.0", x, input.C, 32, 3, 2, 1);
        int channels = 32, index = 1;
        foreach (var (t, c, n, s) in Settings)
        {
            for (int i = 0; i < n; i++)
            {
                x = InvertedResidual(b, $"features.{index++}", x, channels, c, i == 0 ? s : 1, t);
                channels = c;
            }
        }
        x = ConvBnRelu6(b, $"features.{index}", x, channels, 1280, 1, 1, 1);
        x = b.AddFunctional("adaptive_avg_pool2d", new AdaptiveAvgPool2d(1), x);
        x = b.AddFunctional("flatten", new Flatten(), x);
        x = b.Add("classifier.0", new Dropout(0.2f), x);
        x = b.Add("classifier.1", new Linear(1280, classes), x);
        b.Output(x);
        return b.Build();
    }

    private static string InvertedResidual(GraphBuilder b, string name, string x, int cin, int cout, int stride, int expand)
    {
        b.BeginScope(name, "InvertedResidual");
        int hidden = cin * expand;
        var y = x;
        int part = 0;
        if (expand != 1) y = ConvBnRelu6(b, $"{name}.conv.{part++}", y, cin, hidden, 1, 1, 1);
        y = ConvBnRelu6(b, $"{name}.conv.{part++}", y, hidden, hidden, 3, stride, hidden);
        y = b.Add($"{name}.conv.{part++}", Conv2d.Square(hidden, cout, 1, 1, 0, 1, bias: false), y);
        y = b.Add($"{name}.conv.{part}", new BatchNorm2d(cout), y);
        if (stride == 1 && cin == cout) y = b.AddFunctional($"{name}.add", new Add(), x, y);
        b.EndScope();
        return y;
    }

    /// <summary>torchvision's Conv2dNormActivation: conv (no bias, same padding) .0, BatchNorm2d .1, ReLU6 .2.</summary>
    private static string ConvBnRelu6(GraphBuilder b, string name, string x, int cin, int cout, int kernel, int stride, int groups)
    {
        x = b.Add($"{name}.0", Conv2d.Square(cin, cout, kernel, stride, (kernel - 1) / 2, groups, bias: false), x);
        x = b.Add($"{name}.1", new BatchNorm2d(cout), x);
        return b.Add($"{name}.2", new Relu6(), x);
    }
}
