using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Kernels;

/// <summary>The pointwise, broadcasting and Softmax kernels on every device against float64 loops written here from the ONNX formulas.</summary>
public class ElementwiseTests
{
    public static TheoryData<string> Backends() => TestBackends.Available();

    [Theory]
    [MemberData(nameof(Backends))]
    public void Unary_functions_match_float64(string backendName)
    {
        var cases = new (UnaryKind Kind, float Alpha, float Beta, Func<double, double> F)[]
        {
            (UnaryKind.Sigmoid, 0, 0, x => 1 / (1 + Math.Exp(-x))),
            (UnaryKind.HardSigmoid, 0.2f, 0.5f, x => Math.Max(0, Math.Min(1, 0.2f * x + 0.5f))),
            (UnaryKind.HardSwish, 0, 0, x => x * Math.Max(0, Math.Min(1, (x + 3) / 6))),
            (UnaryKind.Clip, -1.5f, 2.25f, x => Math.Min(Math.Max(x, -1.5), 2.25)),
            (UnaryKind.LeakyRelu, 0.2f, 0, x => x < 0 ? 0.2f * x : x),
        };
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        foreach (var (kind, alpha, beta, f) in cases)
            foreach (int count in new[] { 1, 37, 1000 })
            {
                var input = Reference.RandomFloats(new Random(count + (int)kind), count, range: 8f);
                var y = run.Upload(new float[count]);
                // A grid smaller than the tensor exercises the grid-stride loop.
                var grid = new LaunchGrid(new Dim3(32), new Dim3(Math.Max(1, count / 100)));
                run.Launch(GeneratedKernels.ElementwiseKernels_Unary, grid, run.Upload(input), y,
                    KernelArgument.Int(count), KernelArgument.Float(alpha), KernelArgument.Float(beta), KernelArgument.Int((int)kind));
                Reference.AssertClose([.. input.Select(v => f(v))], run.Download<float>(y), 1e-5, 1e-6);
            }
    }

    public static TheoryData<string, int[], int[], BinaryKind> BinaryCases()
    {
        var data = new TheoryData<string, int[], int[], BinaryKind>();
        foreach (var backend in TestBackends.Names())
        {
            data.Add(backend, [2, 3, 4, 5], [1, 3, 1, 1], BinaryKind.Mul); // per-channel scale
            data.Add(backend, [2, 3, 4, 5], [2, 3, 1, 1], BinaryKind.Mul); // squeeze-excitation gate
            data.Add(backend, [1], [2, 3, 4, 5], BinaryKind.Sub); // scalar on the left
            data.Add(backend, [2, 3, 4, 5], [1], BinaryKind.Div);
            data.Add(backend, [3, 1, 5], [2, 1, 4, 1], BinaryKind.Add); // both broadcast, ranks differ
            data.Add(backend, [2, 3, 4, 5], [5], BinaryKind.Max);
            data.Add(backend, [7, 9], [7, 9], BinaryKind.Sub);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_broadcasting_matches_float64(string backendName, int[] left, int[] right, BinaryKind kind)
    {
        var (sa, sb) = (new TensorShape(left), new TensorShape(right));
        var output = new Binary(kind).InferShape("t", [sa, sb]);
        var random = new Random(left.Sum() * 31 + right.Sum() + (int)kind);
        var a = Reference.RandomFloats(random, (int)sa.Elements, 4f);
        // Divisors kept away from zero.
        var b = Reference.RandomFloats(random, (int)sb.Elements, 4f).Select(v => kind == BinaryKind.Div ? v + Math.Sign(v + 1e-3f) * 1.5f : v).ToArray();
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var y = run.Upload(new float[output.Elements]);
        var dims = ElementwiseLauncher.Padded(output);
        var (ta, tb) = (ElementwiseLauncher.BroadcastStrides(sa), ElementwiseLauncher.BroadcastStrides(sb));
        int[] scalars = [(int)output.Elements, dims[1], dims[2], dims[3], .. ta, .. tb, (int)kind];
        run.Launch(GeneratedKernels.ElementwiseKernels_Binary, LaunchGrid.Linear(output.Elements, 64),
            [run.Upload(a), run.Upload(b), y, .. scalars.Select(KernelArgument.Int)]);
        Reference.AssertClose(ExpectedBinary(a, sa, b, sb, output, kind), run.Download<float>(y));
    }

    /// <summary>NumPy broadcasting by coordinates: right-align the ranks, index 0 along an operand's unit dimensions.</summary>
    private static double[] ExpectedBinary(float[] a, TensorShape sa, float[] b, TensorShape sb, TensorShape output, BinaryKind kind)
    {
        var y = new double[output.Elements];
        for (int i = 0; i < y.Length; i++)
        {
            var coordinate = new int[output.Rank];
            for (int d = output.Rank - 1, rest = i; d >= 0; rest /= output[d], d--) coordinate[d] = rest % output[d];
            double x = a[At(sa, coordinate)], z = b[At(sb, coordinate)];
            y[i] = kind switch
            {
                BinaryKind.Add => x + z,
                BinaryKind.Sub => x - z,
                BinaryKind.Mul => x * z,
                BinaryKind.Div => x / z,
                _ => Math.Max(x, z),
            };
        }
        return y;
    }

    private static int At(TensorShape s, int[] coordinate)
    {
        int index = 0;
        for (int d = 0; d < s.Rank; d++) index = index * s[d] + Math.Min(coordinate[coordinate.Length - s.Rank + d], s[d] - 1);
        return index;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Softmax_matches_float64(string backendName)
    {
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        foreach (var (outer, length, inner) in new[] { (1, 2, 1), (3, 10, 1), (2, 5, 7) })
        {
            int count = outer * length * inner;
            var x = Reference.RandomFloats(new Random(count), count, 20f);
            var expected = new double[count];
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < inner; j++)
                {
                    var row = Enumerable.Range(0, length).Select(k => o * length * inner + k * inner + j).ToArray();
                    double sum = row.Sum(r => Math.Exp(x[r]));
                    foreach (int r in row) expected[r] = Math.Exp(x[r]) / sum;
                }
            var y = run.Upload(new float[count]);
            run.Launch(GeneratedKernels.SoftmaxKernels_Softmax, LaunchGrid.Linear(outer * inner, 32), run.Upload(x), y,
                KernelArgument.Int(outer * inner), KernelArgument.Int(length), KernelArgument.Int(inner));
            Reference.AssertClose(expected, run.Download<float>(y), 1e-5, 1e-7);
        }
    }
}
