using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Tests.Reference;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Issue 14 item 1: named Run with several inputs and outputs, into a result collection or the caller's buffers,
/// against float64 loops written here; wrong names, shapes and types are one line naming the tensor.
/// </summary>
public class SessionApiTests
{
    private static readonly TensorShape Shape = new(1, 4, 6, 6);
    private static readonly TensorShape Pooled = new(1, 4, 3, 3);

    /// <summary>Two inputs, two outputs: relu = max(a + b, 0); pool = 2x2 max pool of a + b (the sum read twice, so not fused away).</summary>
    private static Ir.Graph TwoByTwo()
    {
        var b = new GraphBuilder("two-by-two");
        var x = b.Input("a", Shape);
        var y = b.Input("b", Shape);
        var sum = b.Add("sum", new Add(), x, y);
        b.Output(b.Add("relu", new Relu(), sum));
        b.Output(b.Add("pool", new MaxPool2d(2, 2, 0), sum));
        return b.Build();
    }

    private static (double[] Relu, double[] Pool) Reference(float[] a, float[] b)
    {
        var sum = a.Zip(b, (p, q) => (double)p + q).ToArray();
        var relu = sum.Select(v => Math.Max(v, 0)).ToArray();
        var pool = new double[Pooled.Elements];
        for (int c = 0; c < 4; c++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double best = double.NegativeInfinity;
                    for (int di = 0; di < 2; di++)
                        for (int dj = 0; dj < 2; dj++)
                            best = Math.Max(best, sum[(c * 6 + 2 * i + di) * 6 + 2 * j + dj]);
                    pool[(c * 3 + i) * 3 + j] = best;
                }
        return (relu, pool);
    }

    private static float[] Random(int seed) => RandomInput.Uniform(Shape, seed).Floats.Select(v => v - 0.5f).ToArray();

    [Fact]
    public void MetadataNamesEveryInputAndOutputWithItsShape()
    {
        using var session = new InferenceSession(TwoByTwo(), new SessionOptions { Device = "cpu" });
        Assert.Equal(["a", "b"], session.InputNames);
        Assert.Equal(["relu", "pool"], session.OutputNames);
        Assert.Equal([Shape, Pooled], session.OutputMetadata.Select(o => o.Shape));
        Assert.All(session.OutputMetadata, o => Assert.Equal(DataType.Float32, o.DataType));
    }

    [Fact]
    public void NamedRunReturnsEveryOutputInAResultCollection()
    {
        float[] a = Random(1), b = Random(2);
        using var session = new InferenceSession(TwoByTwo(), new SessionOptions { Device = "cpu" });
        var (relu, pool) = Reference(a, b);
        // Inputs in another order than the model's: matched by name.
        using var results = session.Run([NamedTensor.Wrap("b", b, Shape), NamedTensor.Wrap("a", a, Shape)]);
        Assert.Equal(["relu", "pool"], results.Select(r => r.Name));
        OutputComparison.AssertMaxRelative(relu, results["relu"].Floats.ToArray(), 1e-6, "relu");
        OutputComparison.AssertMaxRelative(pool, results["pool"].Floats.ToArray(), 1e-6, "pool");
    }

    [Fact]
    public void NamedRunReturnsOnlyTheOutputsAskedFor()
    {
        float[] a = Random(3), b = Random(4);
        using var session = new InferenceSession(TwoByTwo(), new SessionOptions { Device = "cpu" });
        using var results = session.Run([NamedTensor.Wrap("a", a, Shape), NamedTensor.Wrap("b", b, Shape)], ["pool"]);
        Assert.Equal("pool", Assert.Single(results).Name);
        OutputComparison.AssertMaxRelative(Reference(a, b).Pool, results[0].Floats.ToArray(), 1e-6, "pool");
    }

    [Fact]
    public void RunFillsTheCallersOutputs()
    {
        float[] a = Random(5), b = Random(6);
        var relu = new float[Shape.Elements];
        var pool = new float[Pooled.Elements + 3]; // a larger buffer: the caller hands a slice of it
        using var session = new InferenceSession(TwoByTwo(), new SessionOptions { Device = "cpu" });
        session.Run([NamedTensor.Wrap("a", a, Shape), NamedTensor.Wrap("b", b, Shape)],
            [NamedTensor.Wrap("pool", pool.AsMemory(3), Pooled), NamedTensor.Wrap("relu", relu, Shape)]);
        var expected = Reference(a, b);
        OutputComparison.AssertMaxRelative(expected.Relu, relu, 1e-6, "relu");
        OutputComparison.AssertMaxRelative(expected.Pool, pool[3..], 1e-6, "pool");
        Assert.Equal([0f, 0f, 0f], pool[..3]);
    }

    [Fact]
    public void ResultsAreUnreadableAfterDispose()
    {
        using var session = new InferenceSession(TwoByTwo(), new SessionOptions { Device = "cpu" });
        var results = session.Run([NamedTensor.Wrap("a", Random(7), Shape), NamedTensor.Wrap("b", Random(8), Shape)]);
        var kept = results["relu"].ToTensor();
        results.Dispose();
        Assert.Throws<ObjectDisposedException>(() => results[0].Floats.Length);
        Assert.Equal(Shape.Elements, kept.Floats.Length);
    }

    public static TheoryData<string, string[]> BadCalls() => new()
    {
        { "wrong input shape", ["input 'b'", "expects float32 1x4x6x6", "got float32 1x4x3x3"] },
        { "unknown input", ["'c' is not an input of model 'two-by-two'", "a, b"] },
        { "missing input", ["input 'b'", "missing"] },
        { "twice", ["input 'a' is given twice"] },
        { "wrong output shape", ["output 'pool'", "returns float32 1x4x3x3", "got float32 1x4x6x6"] },
        { "unknown output", ["'sum2' is not an output", "relu, pool"] },
        { "wrong input type", ["input 'a'", "expects float32 1x4x6x6", "got int32 1x4x6x6"] },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void BadNamesShapesAndTypesAreOneLineNamingTheTensor(string call, string[] expected)
    {
        using var session = new InferenceSession(TwoByTwo(), new SessionOptions { Device = "cpu" });
        NamedTensor A() => NamedTensor.Wrap("a", new float[Shape.Elements], Shape);
        NamedTensor B() => NamedTensor.Wrap("b", new float[Shape.Elements], Shape);
        var output = new float[Shape.Elements];
        Action run = call switch
        {
            "wrong input shape" => () => session.Run([A(), NamedTensor.Wrap("b", new float[Pooled.Elements], Pooled)]).Dispose(),
            "unknown input" => () => session.Run([A(), NamedTensor.Wrap("c", new float[Shape.Elements], Shape)]).Dispose(),
            "missing input" => () => session.Run([A()]).Dispose(),
            "twice" => () => session.Run([A(), A(), B()]).Dispose(),
            "wrong output shape" => () => session.Run([A(), B()], [NamedTensor.Wrap("pool", output, Shape)]),
            "unknown output" => () => session.Run([A(), B()], ["sum2"]).Dispose(),
            _ => () => session.Run([NamedTensor.Wrap("a", new Tensor(Shape, DataType.Int32, new int[Shape.Elements])), B()]).Dispose(),
        };
        var error = Assert.ThrowsAny<GpuEngineException>(run);
        Assert.DoesNotContain('\n', error.Message);
        foreach (var part in expected) Assert.Contains(part, error.Message);
    }
}
