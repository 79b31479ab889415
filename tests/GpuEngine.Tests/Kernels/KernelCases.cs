using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// One small launch of every generated kernel with random inputs, at shapes with partial tiles, padding, odd
/// depths and grid-stride loops, so every access path of every kernel runs. The int8 GEMM-like kernels run in
/// each of their modes (the accumulate mode reads and writes one element). A new kernel must add its case here:
/// <see cref="CountingBuildTests"/> checks that the list covers <see cref="GeneratedKernels.All"/>.
/// </summary>
public static class KernelCases
{
    /// <summary>A launch: host data for each view in parameter order, then the scalars (specialized ones included).</summary>
    public sealed record Case(string Name, KernelDescriptor Kernel, LaunchGrid Grid, Array[] Views, KernelArgument[] Scalars)
    {
        public override string ToString() => Name;
    }

    /// <summary>What one launch left in its writable views (raw bytes, parameter order) and, when counted, the bytes it moved.</summary>
    public sealed record Result(byte[][] Outputs, long? Bytes);

    public static IEnumerable<Case> All()
    {
        var random = new Random(5);
        float[] Floats(int n) => Reference.RandomFloats(random, n);
        sbyte[] Int8(int n) => Reference.RandomInt8(random, n);
        int[] Ints(int n, int range) => [.. Enumerable.Range(0, n).Select(_ => random.Next(-range, range))];
        int[] Multipliers(int n) => [.. Enumerable.Range(0, n).Select(_ => random.Next(1 << 30, int.MaxValue))];
        int[] Shifts(int n) => [.. Enumerable.Range(0, n).Select(_ => random.Next(0, 8))];
        var grid16 = new Dim3(Conv2dKernels.Threads, Conv2dKernels.Threads);

        const int n = 1000;
        yield return new("Relu", GeneratedKernels.ActivationKernels_Relu, LaunchGrid.Linear(n), [Floats(n), new float[n]], [Int(n)]);
        yield return new("Relu6", GeneratedKernels.ActivationKernels_Relu6, LaunchGrid.Linear(n), [Floats(n), new float[n]], [Int(n)]);
        // 4 groups of 64 cover 1000 elements through the grid-stride loop.
        yield return new("Add", GeneratedKernels.AddKernels_Add, new LaunchGrid(new Dim3(64), new Dim3(4)), [Floats(n), Floats(n), new float[n]],
            [Int(n), Int(FusedActivation.Relu)]);
        yield return new("HardSwish", GeneratedKernels.ElementwiseKernels_Unary, new LaunchGrid(new Dim3(64), new Dim3(4)), [Floats(n), new float[n]],
            [Int(n), Float(0), Float(0), Int(2)]);
        // [2, 5, 10, 10] times a [5, 1, 1] per-channel constant.
        yield return new("Binary", GeneratedKernels.ElementwiseKernels_Binary, LaunchGrid.Linear(n, 64), [Floats(n), Floats(5), new float[n]],
            [Int(n), Int(5), Int(10), Int(10), Int(500), Int(100), Int(10), Int(1), Int(0), Int(1), Int(0), Int(0), Int(2)]);
        yield return new("Softmax", GeneratedKernels.SoftmaxKernels_Softmax, LaunchGrid.Linear(20, 32), [Floats(200), new float[200]],
            [Int(20), Int(10), Int(4)]);
        // Concat's second input [2, 3, 5] into a [2, 7, 5] output at column 4·5; a grid smaller than the input strides.
        yield return new("ConcatCopySlice", GeneratedKernels.ConcatKernels_CopySlice, new LaunchGrid(new Dim3(8), new Dim3(2)), [Floats(30), new float[70]],
            [Int(30), Int(15), Int(35), Int(20)]);
        // [2, 5, 3, 7] (NHWC) to [2, 7, 5, 3]: perm [0, 3, 1, 2].
        yield return new("Transpose", GeneratedKernels.TransposeKernels_Transpose, LaunchGrid.Linear(210, 64), [Floats(210), new float[210]],
            [Int(210), Int(7), Int(5), Int(3), Int(105), Int(1), Int(21), Int(7)]);
        // [1, 2, 4, 5] reflect-padded by (2, 1) rows and (1, 3) columns to [1, 2, 7, 9].
        yield return new("PadReflect", GeneratedKernels.PadKernels_Pad, LaunchGrid.Linear(126, 64), [Floats(40), new float[126]],
            [Int(126), Int(2), Int(7), Int(9), Int(1), Int(2), Int(4), Int(5), Int(0), Int(0), Int(2), Int(1), Float(0), Int(PadKernels.Reflect)]);
        yield return new("PadConstant", GeneratedKernels.PadKernels_Pad, LaunchGrid.Linear(126, 64), [Floats(40), new float[126]],
            [Int(126), Int(2), Int(7), Int(9), Int(1), Int(2), Int(4), Int(5), Int(0), Int(0), Int(2), Int(1), Float(0.5f), Int(PadKernels.Constant)]);
        yield return new("BatchNorm2d", GeneratedKernels.BatchNorm2dKernels_BatchNorm2d, LaunchGrid.Linear(150, 64),
            [Floats(150), Floats(3), Floats(3), Floats(3), Floats(3).Select(v => v * v + 0.1f).ToArray(), new float[150]],
            [Int(3), Int(25), Int(150), Float(1e-5f)]);

        // 70 output channels and 81 output pixels: two tiles each way, the second ones partial; stride 2, padding 1.
        yield return new("Conv2d", GeneratedKernels.Conv2dKernels_Conv2d, new LaunchGrid(grid16, new Dim3(2, 2, 1)),
            [Floats(3 * 17 * 17), Floats(70 * 3 * 9), Floats(70), new float[70 * 81]],
            [Int(1), Int(3), Int(17), Int(17), Int(70), Int(3), Int(3), Int(2), Int(2), Int(1), Int(1), Int(1), Int(1), Int(1),
             Int(9), Int(9), Int(1), Int(FusedActivation.Relu)]);
        // The 32 x 32 tile tactic on the same shape: three tiles each way, the last ones partial.
        yield return new("Conv2dTile32", GeneratedKernels.Conv2dKernels_Conv2dTile32, new LaunchGrid(grid16, new Dim3(3, 3, 1)),
            [Floats(3 * 17 * 17), Floats(70 * 3 * 9), Floats(70), new float[70 * 81]],
            [Int(1), Int(3), Int(17), Int(17), Int(70), Int(3), Int(3), Int(2), Int(2), Int(1), Int(1), Int(1), Int(1), Int(1),
             Int(9), Int(9), Int(1), Int(FusedActivation.Relu)]);
        yield return new("DepthwiseConv2d", GeneratedKernels.DepthwiseConv2dKernels_DepthwiseConv2d, new LaunchGrid(new Dim3(64), new Dim3(3)),
            [Floats(5 * 64), Floats(5 * 9), Floats(5), new float[5 * 64]],
            [Int(1), Int(5), Int(8), Int(8), Int(3), Int(3), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(8), Int(8), Int(1),
             Int(FusedActivation.Relu6)]);

        // Depth 5·3·3 = 45 is no multiple of 4: the packed weight loads take their tail path.
        foreach (int mode in new[] { RequantizeKernels.Fused, RequantizeKernels.AddSumWrite, RequantizeKernels.AddSumAccumulate })
            yield return new($"Int8Conv2d mode {mode}", GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, new LaunchGrid(grid16, new Dim3(1, 1, 1)),
                [Int8(5 * 49), Int8(6 * 45), Ints(6, 5000), Multipliers(6), Shifts(6), new sbyte[6 * 49], Ints(6 * 49, 100000)],
                [Int(1), Int(5), Int(7), Int(7), Int(6), Int(3), Int(3), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(7), Int(7),
                 Int(1), Int(0), Int(0), Int(-128), Int(127), Int(mode)]);
        foreach (int mode in new[] { RequantizeKernels.Fused, RequantizeKernels.AddSumAccumulate })
            yield return new($"Int8Conv2dTile32 mode {mode}", GeneratedKernels.Int8Conv2dKernels_Int8Conv2dTile32, new LaunchGrid(grid16, new Dim3(2, 1, 1)),
                [Int8(5 * 49), Int8(6 * 45), Ints(6, 5000), Multipliers(6), Shifts(6), new sbyte[6 * 49], Ints(6 * 49, 100000)],
                [Int(1), Int(5), Int(7), Int(7), Int(6), Int(3), Int(3), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(7), Int(7),
                 Int(1), Int(0), Int(0), Int(-128), Int(127), Int(mode)]);
        // [2, 5, 3, 7] to NHWC with channels padded to 8 (fill 3), and back: grid-stride loops over 4 groups of 64.
        yield return new("Int8NchwToNhwc", GeneratedKernels.Int8LayoutKernels_Int8NchwToNhwc, new LaunchGrid(new Dim3(64), new Dim3(4)),
            [Int8(2 * 5 * 21), new sbyte[2 * 8 * 21]], [Int(2), Int(5), Int(3), Int(7), Int(8), Int(3)]);
        yield return new("Int8NhwcToNchw", GeneratedKernels.Int8LayoutKernels_Int8NhwcToNchw, new LaunchGrid(new Dim3(64), new Dim3(4)),
            [Int8(2 * 8 * 21), new sbyte[2 * 5 * 21]], [Int(2), Int(5), Int(3), Int(7), Int(8), Int(0)]);
        yield return new("Int8GlobalAvgPool", GeneratedKernels.Int8GlobalAvgPoolKernels_Int8GlobalAvgPool,
            new LaunchGrid(new Dim3(Int8GlobalAvgPoolKernels.Threads), new Dim3(6)), [Int8(6 * 49), new sbyte[6]],
            [Int(49), Int(0), Int(1 << 30), Int(5), Int(0)]);
        // 37 input features: the dp4a loop plus a tail; 11 outputs: the second group of 8 rows is partial.
        foreach (int mode in new[] { RequantizeKernels.Fused, RequantizeKernels.AddSumAccumulate })
            yield return new($"Int8Linear mode {mode}", GeneratedKernels.Int8LinearKernels_Int8Linear,
                new LaunchGrid(new Dim3(Int8LinearKernels.RowThreads, Int8LinearKernels.RowsPerGroup), new Dim3(2, 2)),
                [Int8(2 * 37), Int8(11 * 37), Ints(11, 5000), Multipliers(11), Shifts(11), new sbyte[22], Ints(22, 100000)],
                [Int(37), Int(11), Int(1), Int(0), Int(-128), Int(127), Int(mode)]);
        yield return new("MatMulDp4a", GeneratedKernels.Int8MatMulKernels_MatMulDp4a, new LaunchGrid(new Dim3(8, 4), new Dim3(1, 1)),
            [Int8(3 * 10), Int8(5 * 10), Ints(5, 5000), new sbyte[15]], [Int(3), Int(5), Int(10), Int(1 << 30), Int(4), Int(0)]);

        yield return new("LinearRows", GeneratedKernels.LinearKernels_LinearRows,
            new LaunchGrid(new Dim3(LinearKernels.RowThreads, LinearKernels.RowsPerGroup), new Dim3(2, 2)),
            [Floats(2 * 40), Floats(9 * 40), Floats(9), new float[18]], [Int(40), Int(9), Int(1), Int(FusedActivation.None)]);
        yield return new("LinearTiled", GeneratedKernels.LinearKernels_LinearTiled, new LaunchGrid(new Dim3(LinearKernels.Tile, LinearKernels.Tile), new Dim3(1, 2)),
            [Floats(17 * 20), Floats(9 * 20), Floats(9), new float[17 * 9]], [Int(17), Int(20), Int(9), Int(1), Int(FusedActivation.Relu)]);
        yield return new("MatMulTiled", GeneratedKernels.MatMulKernels_MatMulTiled, new LaunchGrid(new Dim3(MatMulKernels.Tile, MatMulKernels.Tile), new Dim3(2, 2)),
            [Floats(20 * 18), Floats(18 * 17), new float[20 * 17]], [Int(20), Int(17), Int(18)]);

        // 4 planes of 9 × 9; 3 × 3 windows, stride 2, padding 1: 5 × 5 outputs whose windows overlap and clip.
        KernelArgument[] window = [Int(4), Int(9), Int(9), Int(3), Int(3), Int(2), Int(2), Int(1), Int(1), Int(5), Int(5)];
        yield return new("MaxPool2d", GeneratedKernels.Pool2dKernels_MaxPool2d, LaunchGrid.Linear(100, 64), [Floats(4 * 81), new float[100]], window);
        yield return new("AvgPool2d", GeneratedKernels.Pool2dKernels_AvgPool2d, LaunchGrid.Linear(100, 64), [Floats(4 * 81), new float[100]], [.. window, Int(0)]);
        yield return new("AdaptiveAvgPool2d", GeneratedKernels.Pool2dKernels_AdaptiveAvgPool2d, LaunchGrid.Linear(24, 64), [Floats(4 * 81), new float[24]],
            [Int(4), Int(9), Int(9), Int(2), Int(3)]);
        yield return new("Int8MaxPool2d", GeneratedKernels.Int8Pool2dKernels_Int8MaxPool2d, LaunchGrid.Linear(100, 64), [Int8(4 * 81), new sbyte[100]], window);
        // 9 → 2 × 3 bins that overlap (PyTorch's adaptive rule), of 2 to 5 rows and 3 or 4 columns.
        yield return new("Int8AdaptiveAvgPool2d", GeneratedKernels.Int8Pool2dKernels_Int8AdaptiveAvgPool2d, LaunchGrid.Linear(24, 64),
            [Int8(4 * 81), new sbyte[24]], [Int(4), Int(9), Int(9), Int(2), Int(3)]);
        yield return new("GlobalAvgPool", GeneratedKernels.Pool2dKernels_GlobalAvgPool, new LaunchGrid(new Dim3(Pool2dKernels.GlobalThreads), new Dim3(6)),
            [Floats(6 * 49), new float[6]], [Int(49)]);

        yield return new("Quantize", GeneratedKernels.QuantizeKernels_Quantize, LaunchGrid.Linear(300, 64), [Floats(300), new sbyte[300]],
            [Int(300), Float(50f), Int(0)]);
        yield return new("Dequantize", GeneratedKernels.QuantizeKernels_Dequantize, LaunchGrid.Linear(300, 64), [Int8(300), new float[300]],
            [Int(300), Float(0.05f), Int(1)]);
        // Input scales 0.03 and 0.05 (a is the finer one), output 0.06, fused ReLU: the multipliers AddRescales gives for them.
        yield return new("Int8Add", GeneratedKernels.Int8AddKernels_Int8Add, new LaunchGrid(new Dim3(64), new Dim3(4)), [Int8(n), Int8(n), new sbyte[n]],
            [Int(n), Int(1288490189), Int(1), Int(1073741824), Int(0), Int(1789569707), Int(19), Int(0), Int(127)]);
        yield return new("Requantize", GeneratedKernels.RequantizeKernels_Requantize, LaunchGrid.Linear(60, 64),
            [Ints(60, 100000), Multipliers(3), Shifts(3), new sbyte[60]], [Int(3), Int(10), Int(60), Int(0), Int(-128), Int(127)]);

        // Split-k: the conv kernels over grid z = 3 splits into a [3][outputs] workspace, then the reductions of 3 splits.
        yield return new("Conv2d split-k 3", GeneratedKernels.Conv2dKernels_Conv2d, new LaunchGrid(grid16, new Dim3(2, 2, 3)),
            [Floats(3 * 17 * 17), Floats(70 * 3 * 9), Floats(70), new float[3 * 70 * 81]],
            [Int(1), Int(3), Int(17), Int(17), Int(70), Int(3), Int(3), Int(2), Int(2), Int(1), Int(1), Int(1), Int(1), Int(1),
             Int(9), Int(9), Int(0), Int(FusedActivation.None)]);
        yield return new("Int8Conv2d split-k 3", GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, new LaunchGrid(grid16, new Dim3(1, 1, 3)),
            [Int8(5 * 49), Int8(6 * 45), Ints(6, 5000), Multipliers(6), Shifts(6), new sbyte[1], Ints(3 * 6 * 49, 100000)],
            [Int(1), Int(5), Int(7), Int(7), Int(6), Int(3), Int(3), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(1), Int(7), Int(7),
             Int(0), Int(0), Int(0), Int(-128), Int(127), Int(RequantizeKernels.AddSumWrite)]);
        yield return new("Conv2dSplitKReduce", GeneratedKernels.SplitKReduceKernels_Conv2dSplitKReduce, LaunchGrid.Linear(60, 64),
            [Floats(3 * 60), Floats(3), new float[60]], [Int(60), Int(3), Int(3), Int(10), Int(1), Int(FusedActivation.Relu)]);
        foreach (int mode in new[] { RequantizeKernels.Fused, RequantizeKernels.AddSumWrite })
            yield return new($"Int8SplitKReduce mode {mode}", GeneratedKernels.SplitKReduceKernels_Int8SplitKReduce, LaunchGrid.Linear(60, 64),
                [Ints(3 * 60, 100000), Ints(3, 5000), Multipliers(3), Shifts(3), new sbyte[60], new int[60]],
                [Int(60), Int(3), Int(3), Int(10), Int(1), Int(0), Int(-128), Int(127), Int(mode)]);
    }

    /// <summary>
    /// Uploads the case's views to fresh buffers on <paramref name="backend"/>, launches (counting the bytes when
    /// <paramref name="counting"/>), and reads the writable views back.
    /// </summary>
    public static Result Run(Backend backend, Case c, bool counting)
    {
        var buffers = new List<DeviceBuffer>();
        try
        {
            var arguments = new List<KernelArgument>();
            foreach (var view in c.Views)
            {
                byte[] bytes = Bytes(view);
                var buffer = backend.Allocate(bytes.Length);
                buffers.Add(buffer);
                backend.Upload(buffer, 0, bytes);
                arguments.Add(KernelArgument.View(buffer, 0, view.Length));
            }
            arguments.AddRange(c.Scalars);
            long? moved = null;
            if (counting) moved = backend.LaunchCounting(c.Kernel, c.Grid, [.. arguments]);
            else backend.Launch(c.Kernel, c.Grid, [.. arguments]);
            var outputs = new List<byte[]>();
            for (int i = 0; i < c.Views.Length; i++)
            {
                if (!c.Kernel.Parameters[i].Writable) continue;
                var read = new byte[Bytes(c.Views[i]).Length];
                backend.Download(buffers[i], 0, read);
                outputs.Add(read);
            }
            return new Result([.. outputs], moved);
        }
        finally
        {
            foreach (var buffer in buffers) buffer.Dispose();
        }
    }

    internal static byte[] Bytes(Array view) => view switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        sbyte[] s => MemoryMarshal.AsBytes(s.AsSpan()).ToArray(),
        _ => throw new ArgumentException($"no kernel view holds {view.GetType().Name}"),
    };
}
