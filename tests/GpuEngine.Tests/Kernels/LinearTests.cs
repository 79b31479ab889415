using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Tests.Kernels;

public class LinearTests
{
    // (batch, in, out, bias, activation): batch 1 and 3 take the row kernel, 17 and 33 the tiled one.
    private static readonly (int Batch, int In, int Out, bool Bias, int Activation)[] Shapes =
    [
        (1, 37, 19, true, 0), (3, 70, 45, false, 1), (1, 129, 10, true, 2), (17, 45, 33, true, 1), (33, 19, 7, false, 0),
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in TestBackends.Names())
            for (int i = 0; i < Shapes.Length; i++) data.Add(backend, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Linear_MatchesFloat64Reference(string backendName, int shape)
    {
        var (batch, inF, outF, hasBias, activation) = Shapes[shape];
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var random = new Random(300 + shape);
        var x = Reference.RandomFloats(random, batch * inF);
        var w = Reference.RandomFloats(random, outF * inF, 0.5f);
        var b = Reference.RandomFloats(random, outF);
        var output = run.Upload(new float[batch * outF]);
        var views = new[] { run.Upload(x), run.Upload(w), hasBias ? run.Upload(b) : run.Upload(new float[1]), output };
        int bias = hasBias ? 1 : 0;
        if (batch < LinearLauncher.TiledFromBatch)
            run.Launch(GeneratedKernels.LinearKernels_LinearRows,
                new LaunchGrid(new Dim3(LinearKernels.RowThreads, LinearKernels.RowsPerGroup), new Dim3((outF + LinearKernels.RowsPerGroup - 1) / LinearKernels.RowsPerGroup, batch)),
                [.. views, KernelArgument.Int(inF), KernelArgument.Int(outF), KernelArgument.Int(bias), KernelArgument.Int(activation)]);
        else
            run.Launch(GeneratedKernels.LinearKernels_LinearTiled,
                new LaunchGrid(new Dim3(LinearKernels.Tile, LinearKernels.Tile), new Dim3((outF + 15) / 16, (batch + 15) / 16)),
                [.. views, KernelArgument.Int(batch), KernelArgument.Int(inF), KernelArgument.Int(outF), KernelArgument.Int(bias), KernelArgument.Int(activation)]);
        var expected = new double[batch * outF];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outF; o++)
            {
                double sum = hasBias ? b[o] : 0;
                for (int k = 0; k < inF; k++) sum += (double)x[n * inF + k] * w[o * inF + k];
                expected[n * outF + o] = activation switch { 1 => Math.Max(sum, 0), 2 => Math.Clamp(sum, 0, 6), _ => sum };
            }
        Reference.AssertClose(expected, run.Download<float>(output), rtol: 1e-4, atol: 1e-4);
    }
}
