using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Execution.Launchers;
using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// Concat, Transpose and Pad through their launchers and kernels on every device, at random shapes (odd sizes, batch
/// above 1, ranks 1 to 4, every axis), against loops written here over explicit coordinates from the ONNX spec.
/// Shapes stay small so ilgpu-cpu (ILGPU's own semantics) runs them too.
/// </summary>
[Collection(Collection)]
public class DataMovementTests
{
    /// <summary>
    /// Runs these tests and <see cref="Profiling.DataMovementCostTests"/> one at a time. Run side by side (with the planner
    /// tests also in the run), the test host crashed (exit 139) three runs in three while the Pad kernel test and the
    /// counting session were both on OpenCL; each test passes alone and in pairs. Cause not found: the suspect is PoCL
    /// building the same kernel for two OpenCL backends at once.
    /// </summary>
    public const string Collection = "Data movement kernels on OpenCL";

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in InferenceSessionDevices.SmallGraphList())
            foreach (int seed in new[] { 1, 2, 3, 4 }) data.Add(backend, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Concat_matches_coordinate_loops(string backendName, int seed)
    {
        var random = new Random(seed);
        int rank = 1 + seed % 4, axis = random.Next(rank), count = 1 + random.Next(3);
        var common = RandomDims(random, rank);
        common[0] = rank > 1 ? 2 + random.Next(2) : common[0];
        var shapes = Enumerable.Range(0, count).Select(_ => { var d = (int[])common.Clone(); d[axis] = 1 + random.Next(5); return new TensorShape(d); }).ToArray();
        var inputs = shapes.Select(s => Reference.RandomFloats(random, (int)s.Elements)).ToArray();
        var op = new Concat(axis, count);
        var output = op.InferShape("t", shapes);

        var expected = new double[output.Elements];
        long e = 0;
        // Row-major walk of the output: the outer dims, then each input's axis block in turn, then the inner dims.
        long outer = shapes[0].Dims.Take(axis).Aggregate(1L, (a, b) => a * b), inner = shapes[0].Dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        for (long o = 0; o < outer; o++)
            for (int k = 0; k < count; k++)
                for (long j = 0; j < shapes[k][axis] * inner; j++) expected[e++] = inputs[k][o * shapes[k][axis] * inner + j];

        Assert.Equal(output.Elements, e);
        Reference.AssertClose(expected, Run(backendName, op, shapes, inputs, output), 0, 0);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Transpose_matches_coordinate_loops(string backendName, int seed)
    {
        var random = new Random(seed * 7);
        // Seed 1 is tf2onnx's input transpose NHWC -> NCHW; the others random permutations of ranks 2 to 4.
        int rank = seed == 1 ? 4 : 2 + seed % 3;
        var dims = RandomDims(random, rank);
        dims[0] = 2 + random.Next(2);
        var perm = seed == 1 ? [0, 3, 1, 2] : Enumerable.Range(0, rank).OrderBy(_ => random.Next()).ToArray();
        var x = new TensorShape(dims);
        var op = new Transpose([.. perm]);
        var output = op.InferShape("t", [x]);
        var input = Reference.RandomFloats(random, (int)x.Elements);

        // output[c0, c1, ...] = input[c'] with c'[perm[k]] = c[k], walked as a 4-deep loop with unit leading dims.
        var o4 = Pad4(output.Dims.ToArray());
        var istr = Strides(dims);
        var expected = new double[output.Elements];
        long e = 0;
        for (int a = 0; a < o4[0]; a++)
            for (int b = 0; b < o4[1]; b++)
                for (int c = 0; c < o4[2]; c++)
                    for (int d = 0; d < o4[3]; d++)
                    {
                        int[] at = [.. new[] { a, b, c, d }.Skip(4 - rank)];
                        long index = 0;
                        for (int k = 0; k < rank; k++) index += at[k] * istr[perm[k]];
                        expected[e++] = input[index];
                    }
        Reference.AssertClose(expected, Run(backendName, op, [x], [input], output), 0, 0);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pad_matches_coordinate_loops(string backendName, int seed)
    {
        var random = new Random(seed * 13);
        foreach (var mode in new[] { PadMode.Constant, PadMode.Reflect, PadMode.Edge })
        {
            int rank = 1 + (seed + (int)mode) % 4;
            var dims = RandomDims(random, rank).Select(d => d + 1).ToArray();
            if (rank == 4) dims[0] = 2;
            // Reflect mirrors at most dim - 1 elements.
            int[] before = [.. dims.Select(d => random.Next(Math.Min(3, mode == PadMode.Reflect ? d : 3)))];
            int[] after = [.. dims.Select(d => random.Next(Math.Min(3, mode == PadMode.Reflect ? d : 3)))];
            float value = mode == PadMode.Constant ? -1.25f : 0f;
            var x = new TensorShape(dims);
            var op = new Pad(mode, [.. before], [.. after], value);
            var output = op.InferShape("t", [x]);
            var input = Reference.RandomFloats(random, (int)x.Elements);
            var istr = Strides(dims);

            var expected = new double[output.Elements];
            for (long e = 0; e < expected.Length; e++)
            {
                long rest = e, index = 0;
                bool fill = false;
                for (int k = rank - 1; k >= 0; k--)
                {
                    int c = (int)(rest % output[k]) - before[k];
                    rest /= output[k];
                    if (c < 0 || c >= dims[k])
                    {
                        if (mode == PadMode.Constant) fill = true;
                        // NumPy's reflect: -1 -> 1, n -> n - 2; edge: clamp.
                        c = mode == PadMode.Reflect ? (c < 0 ? -c : 2 * dims[k] - 2 - c) : Math.Clamp(c, 0, dims[k] - 1);
                    }
                    index += c * istr[k];
                }
                expected[e] = fill ? value : input[index];
            }
            Reference.AssertClose(expected, Run(backendName, op, [x], [input], output), 0, 0);
        }
    }

    /// <summary>One node of <paramref name="op"/> over graph inputs of the given shapes, planned by the launchers and run on the backend.</summary>
    private static float[] Run(string backendName, Op op, TensorShape[] shapes, float[][] inputs, TensorShape output)
    {
        var b = new GraphBuilder("t");
        var names = shapes.Select((s, i) => b.Input($"x{i}", s)).ToArray();
        b.Add("y", op, names);
        b.Output("y");
        var graph = b.Build();
        using var backend = TestBackends.Open(backendName);
        using var run = new KernelRunner(backend);
        var views = names.Select((n, i) => (n, run.Upload(inputs[i]))).ToDictionary(p => p.n, p => Slice(p.Item2));
        views["y"] = Slice(run.Upload(new float[output.Elements]));
        var context = new LaunchContext(graph, name => views[name], _ => throw new InvalidOperationException("no weights"), Slice(run.Upload(new float[1])));
        foreach (var launch in OpLaunchers.Plan(graph.Nodes[0], context)) launch.Run(backend);
        backend.Synchronize();
        return run.Download<float>(views["y"].Argument);
    }

    private static int[] RandomDims(Random random, int rank) => [.. Enumerable.Range(0, rank).Select(_ => 1 + random.Next(5))];

    private static int[] Pad4(int[] dims) => [.. Enumerable.Repeat(1, 4 - dims.Length), .. dims];

    private static long[] Strides(int[] dims)
    {
        var s = new long[dims.Length];
        for (int k = dims.Length - 1, acc = 1; k >= 0; acc *= dims[k], k--) s[k] = acc;
        return s;
    }

    private static BufferSlice Slice(KernelArgument view) => new(view.Buffer!, view.ByteOffset, view.Length);
}
