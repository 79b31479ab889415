using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Profiling;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Profiling;

public class CostConventionTests
{
    /// <summary>counting-conventions.md §1: MobileNetV2's first conv, 3->32, 3x3, stride 2, no bias, at 1x3x224x224.</summary>
    [Fact]
    public void MobileNetV2FirstLayerMatchesTheDocumentedExample()
    {
        var first = ModelSummary.Create(ModelZoo.Create("mobilenet_v2")).Layers[0];
        Assert.Equal("features.0.0", first.Layer);
        Assert.Equal(864, first.Params);
        Assert.Equal(21_274_624, first.Flops);
        Assert.Equal(10_838_016, first.Macc);
        Assert.Equal(605_568, first.MemR);
        Assert.Equal(1_605_632, first.MemW);
        Assert.Equal(605_568 + 1_605_632, first.MemRw);
    }

    /// <summary>
    /// Counts the operations of plain reference loops (one multiply and one add per tap, the first tap of an output
    /// without an add unless a bias starts the sum) and compares with the closed-form conventions.
    /// </summary>
    [Fact]
    public void ConvAndLinearFormulasEqualOperationsCountedInReferenceLoops()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 40; trial++)
        {
            int groups = random.Next(1, 4), cin = groups * random.Next(1, 4), cout = groups * random.Next(1, 4);
            int k = random.Next(1, 4), size = random.Next(k, 9), stride = random.Next(1, 3);
            bool bias = random.Next(2) == 0;
            var g = Single(new TensorShape(random.Next(1, 3), cin, size, size), Conv2d.Square(cin, cout, k, stride, 0, groups, bias));
            var cost = ModelSummary.Create(g).Layers[0];
            var outShape = g.OutputShape(g.Nodes[0]);
            long multiplies = 0, adds = 0;
            for (long o = 0; o < outShape.Elements; o++)
            {
                long taps = cin / groups * k * k;
                multiplies += taps;
                adds += taps - 1 + (bias ? 1 : 0);
            }
            Assert.Equal(multiplies + adds, cost.Flops);
            Assert.Equal(multiplies + (bias ? outShape.Elements : 0), cost.Macc);
        }
    }

    [Fact]
    public void ElementwiseAndPoolingConventions()
    {
        var x = new TensorShape(2, 3, 8, 8);
        long n = x.Elements;
        Assert.Equal((n, n), Counts(Single(x, new Relu())));
        Assert.Equal((n, n), Counts(Single(x, new Relu6())));
        Assert.Equal((4 * n, 2 * n), Counts(Single(x, new BatchNorm2d(3))));
        Assert.Equal((0L, 0L), Counts(Single(x, new Dropout())));
        long pooled = 2 * 3 * 4 * 4;
        Assert.Equal((3 * pooled, 4 * pooled), Counts(Single(x, new MaxPool2d(2, 2, 0))));
        Assert.Equal((7 * pooled, 4 * pooled), Counts(Single(x, new AvgPool2d(2, 2, 0))));
        // Global average pooling: a 64-element window per output: 2*64-1 flops, 64 macc.
        Assert.Equal((127L * 6, 64L * 6), Counts(Single(x, new AdaptiveAvgPool2d(1))));
    }

    [Fact]
    public void BytesAndInt8ColumnsFollowTheSeedModel()
    {
        var g = Single(new TensorShape(1, 8, 10, 10), Conv2d.Square(8, 16, 3, 1, 1, 1, bias: true));
        var c = ModelSummary.Create(g).Layers[0];
        long outputs = 16 * 10 * 10, parameters = 16 * 8 * 9 + 16;
        Assert.Equal(parameters, c.Params);
        Assert.Equal(4 * (8 * 10 * 10 + parameters), c.MemR);
        Assert.Equal(4 * outputs, c.MemW);
        Assert.Equal(outputs, c.ActBytesInt8);
        Assert.Equal(4 * outputs, c.AddsumBytesInt32);
        Assert.Equal(parameters, c.WeightBias);
        Assert.Equal(16 * 8 * 9 + 4 * 16, c.WeightBiasReal);
        Assert.Equal(outputs + 4 * outputs + parameters, c.MemoryCost);
    }

    /// <summary>
    /// Totals against figures worked by hand (not a re-sum of the rows): 1x2x6x6 -> Conv2d 2->3 k3 with bias (1x3x4x4)
    /// -> ReLU -> MaxPool 2x2 (1x3x2x2). Conv: 48 outputs x (18 multiplies + 17 adds + 1 bias add) = 1,728 FLOPs,
    /// 48 x 18 + 48 = 912 MACs, 3·2·9 + 3 = 57 parameters; ReLU: 48 FLOPs and 48 MACs; MaxPool: 12 outputs x 3 comparisons
    /// = 36 FLOPs, 12 x 4 = 48 MACs (the conventions of the single-layer tests above).
    /// </summary>
    [Fact]
    public void TotalsEqualHandWorkedFigures()
    {
        var b = new GraphBuilder("hand");
        var conv = b.Add("conv", Conv2d.Square(2, 3, 3, 1, 0, 1, bias: true), b.Input("input", new TensorShape(1, 2, 6, 6)));
        var relu = b.Add("relu", new Relu(), conv);
        b.Add("pool", new MaxPool2d(2, 2, 0), relu);
        var s = ModelSummary.Create(b.Build());
        Assert.Equal(57, s.TotalParams);
        Assert.Equal(1_728 + 48 + 36, s.TotalFlops);
        Assert.Equal(912 + 48 + 48, s.TotalMacc);
    }

    private static (long Flops, long Macc) Counts(Ir.Graph g)
    {
        var c = ModelSummary.Create(g).Layers[0];
        return (c.Flops, c.Macc);
    }

    private static Ir.Graph Single(TensorShape input, Op op)
    {
        var b = new GraphBuilder("one");
        b.Add("layer", op, b.Input("input", input));
        return b.Build();
    }
}
