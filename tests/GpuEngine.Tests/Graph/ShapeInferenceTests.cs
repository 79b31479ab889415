using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Graph;

public class ShapeInferenceTests
{
    [Fact]
    public void ConvWithTheWrongInputChannelsNamesTheOpTheNodeAndBothShapes()
    {
        var b = new GraphBuilder("bad");
        var x = b.Input("input", new TensorShape(1, 48, 56, 56));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Add("stage2.0.rbr_reparam", Conv2d.Square(64, 64, 3, 1, 1), x));
        Assert.Contains("Conv2d", e.Message);
        Assert.Contains("stage2.0.rbr_reparam", e.Message);
        Assert.Contains("1x48x56x56", e.Message);
        Assert.Contains("64x64x3x3", e.Message);
    }

    [Fact]
    public void AddOfDifferentShapesNamesBothShapes()
    {
        var b = new GraphBuilder("bad");
        var x = b.Input("a", new TensorShape(1, 24, 56, 56));
        var y = b.Input("b", new TensorShape(1, 24, 28, 28));
        var e = Assert.Throws<ShapeMismatchException>(() => b.AddFunctional("features.3.add", new Add(), x, y));
        Assert.Contains("Add 'features.3.add'", e.Message);
        Assert.Contains("1x24x56x56", e.Message);
        Assert.Contains("1x24x28x28", e.Message);
    }

    [Fact]
    public void LinearWithTheWrongFeatureCountNamesBothShapes()
    {
        var b = new GraphBuilder("bad");
        var x = b.Input("input", new TensorShape(2, 1000));
        var e = Assert.Throws<ShapeMismatchException>(() => b.Add("classifier.1", new Linear(1280, 10), x));
        Assert.Contains("classifier.1", e.Message);
        Assert.Contains("2x1000", e.Message);
        Assert.Contains("10x1280", e.Message);
    }

    [Fact]
    public void BatchNormAndKernelTooLargeAreNamed()
    {
        var b = new GraphBuilder("bad");
        var x = b.Input("input", new TensorShape(1, 8, 2, 2));
        Assert.Contains("'bn'", Assert.Throws<ShapeMismatchException>(() => b.Add("bn", new BatchNorm2d(16), x)).Message);
        Assert.Contains("'conv'", Assert.Throws<ShapeMismatchException>(() => b.Add("conv", Conv2d.Square(8, 8, 5), x)).Message);
        Assert.Contains("'pool'", Assert.Throws<ShapeMismatchException>(() => b.Add("pool", new MaxPool2d(3, 1, 0), x)).Message);
    }

    /// <summary>Output sizes against PyTorch's documented formula, evaluated here in float64 with floor/ceil.</summary>
    [Fact]
    public void ConvAndPoolOutputSizesFollowPyTorchsFormula()
    {
        var random = new Random(20261122);
        for (int trial = 0; trial < 300; trial++)
        {
            int size = random.Next(1, 40), k = random.Next(1, 6), s = random.Next(1, 4), p = random.Next(0, k / 2 + 1), d = random.Next(1, 3);
            double convOut = Math.Floor((size + 2.0 * p - d * (k - 1) - 1) / s + 1);
            var b = new GraphBuilder("g");
            var x = b.Input("x", new TensorShape(1, 2, size, size));
            if (convOut >= 1)
            {
                var y = b.Add("conv", new Conv2d(2, 4, k, s, p, d), x);
                Assert.Equal((int)convOut, b.Build().Tensor(y).Shape.H);
            }
            else
            {
                Assert.Throws<ShapeMismatchException>(() => b.Add("conv", new Conv2d(2, 4, k, s, p, d), x));
            }

            if (size + 2 * p >= k)
            {
                var c = new GraphBuilder("g");
                var z = c.Input("x", new TensorShape(1, 2, size, size));
                double ceil = Math.Ceiling((size + 2.0 * p - k) / s) + 1;
                if ((ceil - 1) * s >= size + p) ceil--;
                var pooled = c.Add("pool", new MaxPool2d(k, s, p, CeilMode: true), z);
                var floored = c.Add("avg", new AvgPool2d(k, s, p), z);
                var g = c.Build();
                Assert.Equal((int)ceil, g.Tensor(pooled).Shape.H);
                Assert.Equal((int)Math.Floor((size + 2.0 * p - k) / s) + 1, g.Tensor(floored).Shape.H);
            }
        }
    }

    [Fact]
    public void ShapeTextParsesAndRejectsNonsense()
    {
        Assert.Equal(new TensorShape(2, 3, 112, 112), TensorShape.Parse("2x3x112x112"));
        Assert.Contains("'0'", Assert.Throws<GpuEngineException>(() => TensorShape.Parse("1x0x3")).Message);
        Assert.Contains("'abc'", Assert.Throws<GpuEngineException>(() => TensorShape.Parse("1xabc")).Message);
    }
}
