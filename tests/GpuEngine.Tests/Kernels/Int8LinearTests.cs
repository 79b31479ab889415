using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class Int8LinearTests
{
    public static TheoryData<string, int, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (var backend in TestBackends.Names())
            foreach (var (n, inF, outF, act) in new[] { (1, 37, 19, 0), (3, 70, 45, 1), (2, 131, 10, 2), (1, 3, 5, 0) })
                data.Add(backend, n, inF, outF, act);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8Linear_FusedAndAddSum_AreBitExact(string backendName, int batch, int inF, int outF, int activation)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(batch * 7 + inF * 3 + outF);
        var x = Reference.RandomInt8(random, batch * inF);
        var w = Reference.RandomInt8(random, outF * inF);
        var bias = Enumerable.Range(0, outF).Select(_ => random.Next(-20000, 20000)).ToArray();
        var (multipliers, shifts) = Int8Requant.RandomScales(random, outF, inF);
        int zp = random.Next(-5, 6);
        var (lo, hi) = Int8Requant.Clamp(activation, zp);
        var acc = new long[batch * outF];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outF; o++)
            {
                acc[n * outF + o] = bias[o];
                for (int k = 0; k < inF; k++) acc[n * outF + o] += x[n * inF + k] * w[o * inF + k];
            }
        var expected = acc.Select((a, i) => Int8Requant.Apply(a, multipliers[i % outF], shifts[i % outF], zp, lo, hi)).ToArray();

        var output = run.Upload(new sbyte[batch * outF]);
        var sums = run.Upload(new int[batch * outF]);
        var grid = new LaunchGrid(new Dim3(Int8LinearKernels.RowThreads, Int8LinearKernels.RowsPerGroup),
            new Dim3((outF + Int8LinearKernels.RowsPerGroup - 1) / Int8LinearKernels.RowsPerGroup, batch));
        KernelArgument[] views = [run.Upload(x), run.Upload(w), run.Upload(bias), run.Upload(multipliers), run.Upload(shifts), output, sums];
        foreach (int mode in new[] { RequantizeKernels.Fused, RequantizeKernels.AddSumWrite })
            run.Launch(GeneratedKernels.Int8LinearKernels_Int8Linear, grid,
                [.. views, .. new[] { inF, outF, 1, zp, lo, hi, mode }.Select(KernelArgument.Int)]);
        Assert.Equal(expected, run.Download<sbyte>(output));
        Assert.Equal(acc.Select(a => (int)a), run.Download<int>(sums));
    }
}
