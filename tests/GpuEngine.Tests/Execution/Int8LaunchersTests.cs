using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Tests.Kernels;
using KernelReference = GpuEngine.Tests.Kernels.Reference;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The int8 launch helpers (<see cref="Int8Conv2dLauncher"/>, <see cref="RequantizeLauncher"/>) with explicit views:
/// Linear at batch 1 (row kernel) and 17 (as a 1×1 conv), then addsum + Requantize, bit-exact against long loops.
/// </summary>
public class Int8LaunchersTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in InferenceSessionDevices.SmallGraphList())
            foreach (int batch in new[] { 1, 17 }) data.Add(backend, batch);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8Linear_FusedAndAddSumRequantize_AreBitExact(string backendName, int batch)
    {
        const int inF = 45, outF = 33;
        var b = new GraphBuilder("int8");
        b.Input("x", new TensorShape(batch, inF));
        var linear = new Linear(inF, outF);
        b.Add("fc", linear, "x");
        var graph = b.Build();
        var node = graph.Nodes[0];

        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(batch);
        var x = KernelReference.RandomInt8(random, batch * inF);
        var w = KernelReference.RandomInt8(random, outF * inF);
        var bias = Enumerable.Range(0, outF).Select(_ => random.Next(-20000, 20000)).ToArray();
        var (multipliers, shifts) = Int8Requant.RandomScales(random, outF, inF);
        var quant = new QuantParams(Slice(run.Upload(multipliers)), Slice(run.Upload(shifts)), 0, 1, ClampMin: 1, ClampMax: 127);
        var empty = Slice(run.Upload(new float[1]));
        var context = new LaunchContext(graph, _ => empty, _ => empty, empty);
        var output = Slice(run.Upload(new sbyte[batch * outF]));
        var sums = Slice(run.Upload(new int[batch * outF]));
        var requantized = Slice(run.Upload(new sbyte[batch * outF]));
        var (xv, wv, bv) = (Slice(run.Upload(x)), Slice(run.Upload(w)), Slice(run.Upload(bias)));
        var launches = Int8Conv2dLauncher.PlanLinear(node, linear, context, quant, xv, wv, bv, output)
            .Concat(Int8Conv2dLauncher.PlanLinear(node, linear, context, quant, xv, wv, bv, sums, Int8OutputMode.AddSumWrite))
            .Append(RequantizeLauncher.Requantize(node, new TensorShape(batch, outF), quant, sums, requantized));
        foreach (var launch in launches) launch.Run(backend);
        backend.Synchronize();

        var expected = new sbyte[batch * outF];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outF; o++)
            {
                long acc = bias[o];
                for (int k = 0; k < inF; k++) acc += x[n * inF + k] * w[o * inF + k];
                expected[n * outF + o] = Int8Requant.Apply(acc, multipliers[o], shifts[o], 1, 1, 127);
            }
        Assert.Equal(expected, run.Download<sbyte>(output.Argument));
        Assert.Equal(expected, run.Download<sbyte>(requantized.Argument));
    }

    private static BufferSlice Slice(KernelArgument view) => new(view.Buffer!, view.ByteOffset, view.Length);
}
