using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Zoo;

namespace GpuEngine.Diagnostics;

/// <summary>
/// The cases of <c>gpuengine check</c>: every kernel family in fp32 and in int8 at small odd shapes (strides, padding,
/// dilation, groups, depthwise, batch > 1, both int8 output modes), the two sample GEMMs, then whole models: RepVGG-A0 in
/// its train-time and re-parameterized forms, RepVGG-N1, MobileNetV2 and VGG11-BN, fp32 and int8. Sized so the whole
/// check takes seconds per case on the cpu backend of a 2-core VM.
/// </summary>
public static class DeviceCheckCases
{
    private static readonly SessionOptions Plain = new() { OptimizeGraph = false };
    private static readonly SessionOptions Int8Plain = Plain with { Precision = Precision.Int8 };
    private static readonly SessionOptions Int8Deploy = new() { Reparameterize = true, Precision = Precision.Int8 };

    /// <summary>Every case for <paramref name="seed"/>; graphs and weights are built lazily, when a case runs.</summary>
    public static IEnumerable<DeviceCheckCase> All(int seed)
    {
        foreach (var (name, graph) in Ops())
            yield return new GraphCheckCase(name, graph, seed, Plain, isModel: false);
        yield return new MatMulCheckCase(Precision.Fp32, seed);
        foreach (var (name, graph) in Int8Ops())
            yield return new GraphCheckCase("int8 " + name, graph, seed, Int8Plain, isModel: false);
        yield return new GraphCheckCase("int8 conv 3x3 addsum", Single(new TensorShape(2, 8, 11, 9), Conv2d.Square(8, 12, 3, 1, 1) with { Fused = Activation.Relu }),
            seed, Int8Plain with { Int8Mode = Int8Mode.Addsum }, isModel: false);
        yield return new MatMulCheckCase(Precision.Int8, seed);

        var a0 = Model("repvgg-a0-train", new TensorShape(1, 3, 64, 64), 100, seed);
        yield return a0("train-time form", Plain);
        yield return a0("re-parameterized", new() { Reparameterize = true });
        yield return a0("int8 re-parameterized", Int8Deploy);
        var n1 = Model("repvgg-n1-train", new TensorShape(2, 3, 64, 64), 89, seed);
        yield return n1("train-time form", Plain);
        yield return n1("int8 re-parameterized", Int8Deploy);
        yield return n1("int8 addsum", Int8Deploy with { Int8Mode = Int8Mode.Addsum });
        var mobileNet = Model("mobilenet_v2", new TensorShape(2, 3, 64, 64), 100, seed);
        yield return mobileNet("", Plain);
        yield return mobileNet("int8", Int8Deploy);
        // At 32x32 the features end at 1x1, which the adaptive pool spreads to 7x7 for a 25,088 -> 4,096 classifier.0
        // (103 M weights, seconds per cpu run). Folded into classifier.0 (exact; what the ONNX exporter does) it takes 512.
        var vgg = Model("vgg11_bn", new TensorShape(1, 3, 32, 32), 10, seed, g => Passes.AdaptivePoolFolding.Apply(g));
        yield return vgg("(avgpool folded)", Plain);
        yield return vgg("(avgpool folded) int8", Int8Deploy);
    }

    private static IEnumerable<(string, Graph)> Ops()
    {
        yield return ("conv 3x3 s1 p1 bias", Single(new TensorShape(2, 5, 13, 11), Conv2d.Square(5, 7, 3, 1, 1)));
        yield return ("conv 3x3 s2 p1 relu", Single(new TensorShape(1, 16, 15, 15), Conv2d.Square(16, 33, 3, 2, 1) with { Fused = Activation.Relu }));
        yield return ("conv 1x1 s2 p0 no bias", Single(new TensorShape(2, 24, 9, 9), Conv2d.Square(24, 40, 1, 2, 0, bias: false)));
        yield return ("conv 3x3 groups 4 relu6", Single(new TensorShape(1, 32, 10, 12), Conv2d.Square(32, 64, 3, 1, 1, groups: 4) with { Fused = Activation.Relu6 }));
        yield return ("conv 3x2 dilation 2", Single(new TensorShape(1, 6, 17, 13), new Conv2d(6, 10, new Size2(3, 2), 1, new Size2(2, 1), 2)));
        yield return ("depthwise 3x3 s2", Single(new TensorShape(2, 48, 15, 15), Conv2d.Square(48, 48, 3, 2, 1, groups: 48, bias: false)));
        yield return ("batchnorm", Single(new TensorShape(2, 7, 9, 5), new BatchNorm2d(7)));
        yield return ("relu", Single(new TensorShape(3, 5, 7, 9), new Relu()));
        yield return ("relu6", Single(new TensorShape(3, 5, 7, 9), new Relu6()));
        yield return ("maxpool 3x3 s2 p1", Single(new TensorShape(2, 6, 15, 14), new MaxPool2d(3, 2, 1)));
        yield return ("maxpool 2x2 ceil", Single(new TensorShape(1, 4, 9, 7), new MaxPool2d(2, 2, 0, CeilMode: true)));
        yield return ("avgpool 3x3 s1 p1", Single(new TensorShape(2, 6, 11, 10), new AvgPool2d(3, 1, 1)));
        yield return ("avgpool no pad count", Single(new TensorShape(1, 6, 11, 10), new AvgPool2d(3, 2, 1, CountIncludePad: false)));
        yield return ("global average pool", Single(new TensorShape(3, 40, 7, 7), new AdaptiveAvgPool2d(1)));
        yield return ("adaptive average pool 3x2", Single(new TensorShape(2, 5, 10, 7), new AdaptiveAvgPool2d(new Size2(3, 2))));
        yield return ("linear batch 1", Single(new TensorShape(1, 1280), new Linear(1280, 89)));
        yield return ("linear batch 9 relu", Single(new TensorShape(9, 300), new Linear(300, 129) with { Fused = Activation.Relu }));
        yield return ("linear batch 37 tiled", Single(new TensorShape(37, 200), new Linear(200, 70, HasBias: false)));
        yield return ("add relu", AddGraph());
        yield return ("sigmoid", Single(new TensorShape(2, 6, 7, 5), new Unary(UnaryKind.Sigmoid)));
        yield return ("hardswish", Single(new TensorShape(2, 6, 7, 5), new Unary(UnaryKind.HardSwish)));
        yield return ("mul by per-channel constant", Single(new TensorShape(2, 6, 7, 5), new Binary(BinaryKind.Mul, new TensorShape(1, 6, 1, 1))));
        yield return ("softmax", Single(new TensorShape(4, 37), new Softmax(1)));
        yield return ("transpose nhwc to nchw", Single(new TensorShape(2, 7, 5, 3), new Transpose([0, 3, 1, 2])));
        yield return ("pad constant 1,2", Single(new TensorShape(2, 3, 7, 5), new Pad(PadMode.Constant, [0, 0, 1, 2], [0, 1, 2, 1], 0.5f)));
        yield return ("pad reflect", Single(new TensorShape(1, 4, 6, 5), new Pad(PadMode.Reflect, [0, 0, 2, 1], [0, 0, 1, 3])));
        yield return ("pad edge", Single(new TensorShape(2, 3, 5, 4), new Pad(PadMode.Edge, [0, 0, 2, 2], [0, 0, 3, 1])));
        yield return ("concat channels", ConcatGraph());
    }

    /// <summary>The int8 kernels' families; every case also runs the input Quantize and the output Dequantize.</summary>
    private static IEnumerable<(string, Graph)> Int8Ops()
    {
        yield return ("conv 3x3 s1 p1 bias", Single(new TensorShape(2, 5, 13, 11), Conv2d.Square(5, 7, 3, 1, 1)));
        yield return ("conv 3x3 s2 p1 relu", Single(new TensorShape(1, 16, 15, 15), Conv2d.Square(16, 33, 3, 2, 1) with { Fused = Activation.Relu }));
        yield return ("conv 1x1 s2 p0 no bias", Single(new TensorShape(2, 24, 9, 9), Conv2d.Square(24, 40, 1, 2, 0, bias: false)));
        yield return ("conv 3x3 groups 4 relu6", Single(new TensorShape(1, 32, 10, 12), Conv2d.Square(32, 64, 3, 1, 1, groups: 4) with { Fused = Activation.Relu6 }));
        yield return ("conv 3x2 dilation 2", Single(new TensorShape(1, 6, 17, 13), new Conv2d(6, 10, new Size2(3, 2), 1, new Size2(2, 1), 2)));
        yield return ("depthwise 3x3 s2 relu6", Single(new TensorShape(2, 48, 15, 15), Conv2d.Square(48, 48, 3, 2, 1, groups: 48) with { Fused = Activation.Relu6 }));
        yield return ("maxpool 3x3 s2 p1", Single(new TensorShape(2, 6, 15, 14), new MaxPool2d(3, 2, 1)));
        yield return ("global average pool", Single(new TensorShape(3, 40, 7, 7), new AdaptiveAvgPool2d(1)));
        yield return ("adaptive average pool 3x2", Single(new TensorShape(2, 5, 10, 7), new AdaptiveAvgPool2d(new Size2(3, 2))));
        yield return ("linear batch 1", Single(new TensorShape(1, 1280), new Linear(1280, 89)));
        yield return ("linear batch 9 relu", Single(new TensorShape(9, 300), new Linear(300, 129) with { Fused = Activation.Relu }));
        yield return ("linear batch 37 tiled", Single(new TensorShape(37, 200), new Linear(200, 70, HasBias: false)));
        yield return ("add relu", AddGraph());
    }

    /// <summary>Cases of one zoo model that share its random weights (drawn once, when the first of them runs).</summary>
    private static Func<string, SessionOptions, GraphCheckCase> Model(string zoo, TensorShape input, int classes, int seed,
        Func<Graph, Graph>? rewrite = null)
    {
        var shapes = ModelZoo.Create(zoo, input, classes);
        if (rewrite is not null) shapes = rewrite(shapes);
        var weighted = GraphCheckCase.Weights(shapes, seed);
        return (form, options) => new($"{zoo}{(form.Length > 0 ? " " + form : "")}", shapes, weighted, seed, options, isModel: true);
    }

    private static Graph Single(TensorShape input, Op op)
    {
        var b = new GraphBuilder(op.TypeName);
        b.Add("layer", op, b.Input("input", input));
        return b.Build();
    }

    /// <summary>The input and a convolution of it side by side along channels (inputs of different widths).</summary>
    private static Graph ConcatGraph()
    {
        var b = new GraphBuilder("concat");
        var x = b.Input("input", new TensorShape(2, 5, 7, 9));
        var y = b.Add("conv", Conv2d.Square(5, 3, 3, 1, 1), x);
        b.AddFunctional("concat", new Concat(1, 2), x, y);
        return b.Build();
    }

    private static Graph AddGraph()
    {
        var b = new GraphBuilder("add");
        var x = b.Input("input", new TensorShape(2, 8, 9, 9));
        var y = b.Add("conv", Conv2d.Square(8, 8, 3, 1, 1), x);
        b.AddFunctional("add", new Add(Activation.Relu), x, y);
        return b.Build();
    }
}
