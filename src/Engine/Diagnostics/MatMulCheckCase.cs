using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Planning;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Diagnostics;

/// <summary>
/// The matrix-multiply kernels no op launches (the tiled fp32 GEMM and the dp4a int8 GEMM, the patterns the convolutions
/// grew from; the profiler's roofline times the first), launched directly on random matrices. m, n, k are odd and not
/// multiples of the tiles or of 4, so every edge path runs.
/// </summary>
public sealed class MatMulCheckCase : DeviceCheckCase
{
    private const int M = 37, N = 29, K = 45;
    private readonly int _seed;

    public MatMulCheckCase(Precision precision, int seed)
        : base(precision == Precision.Int8 ? "int8 matmul dp4a (sample kernel)" : "matmul tiled (sample kernel)", $"{M}x{K} * {K}x{N}", precision) =>
        _seed = seed;

    /// <summary>The int8 case's requantization: a real scale of about 1/(64·k) keeps the outputs spread over int8.</summary>
    private const int Multiplier = 1_500_000_000, Shift = 11, ZeroPoint = 3;

    public override CheckRun Run(string device, bool timed = true)
    {
        using var backend = BackendFactory.Create(device);
        var buffers = new List<DeviceBuffer>();
        KernelArgument Upload<T>(T[] data) where T : unmanaged
        {
            var bytes = MemoryMarshal.AsBytes(data.AsSpan());
            var buffer = backend.Allocate(Math.Max(bytes.Length, 4));
            buffers.Add(buffer);
            backend.Upload(buffer, 0, bytes);
            return View(buffer, 0, data.Length);
        }
        try
        {
            bool int8 = Precision == Precision.Int8;
            var kernel = int8 ? GeneratedKernels.Int8MatMulKernels_MatMulDp4a : GeneratedKernels.MatMulKernels_MatMulTiled;
            KernelArgument[] arguments;
            LaunchGrid grid;
            if (int8)
            {
                var (a, w, bias) = Int8Operands();
                arguments = [Upload(a), Upload(w), Upload(bias), Upload(new sbyte[M * N]), Int(M), Int(N), Int(K), Int(Multiplier), Int(Shift), Int(ZeroPoint)];
                grid = new LaunchGrid(new Dim3(8, 4), new Dim3((N + 7) / 8, (M + 3) / 4));
            }
            else
            {
                var (a, b) = FloatOperands();
                arguments = [Upload(a), Upload(b), Upload(new float[M * N]), Int(M), Int(N), Int(K)];
                int tile = Kernels.Ops.MatMulKernels.Tile;
                grid = new LaunchGrid(new Dim3(tile, tile), new Dim3((N + tile - 1) / tile, (M + tile - 1) / tile));
            }
            backend.Launch(kernel, grid, arguments); // the first launch compiles
            var clock = System.Diagnostics.Stopwatch.StartNew();
            backend.Launch(kernel, grid, arguments);
            backend.Synchronize();
            double ms = clock.Elapsed.TotalMilliseconds;
            var output = arguments[int8 ? 3 : 2];
            CheckOutput result;
            if (int8)
            {
                var q = new sbyte[M * N];
                backend.Download(output.Buffer!, 0, MemoryMarshal.AsBytes(q.AsSpan()));
                result = new CheckOutput([.. q.Select(v => (float)v)], q);
            }
            else
            {
                var c = new float[M * N];
                backend.Download(output.Buffer!, 0, MemoryMarshal.AsBytes(c.AsSpan()));
                result = new CheckOutput(c);
            }
            return new CheckRun(result, [kernel.Name], ms);
        }
        finally
        {
            foreach (var buffer in buffers) buffer.Dispose();
        }
    }

    public override CheckOutput Reference()
    {
        if (Precision == Precision.Fp32)
        {
            var (a, b) = FloatOperands();
            var c = new float[M * N];
            for (int r = 0; r < M; r++)
                for (int j = 0; j < N; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < K; i++) sum += (double)a[r * K + i] * b[i * N + j];
                    c[r * N + j] = (float)sum;
                }
            return new CheckOutput(c);
        }
        var (x, w, bias) = Int8Operands();
        var q = new sbyte[M * N];
        for (int r = 0; r < M; r++)
            for (int j = 0; j < N; j++)
            {
                long acc = bias[j];
                for (int i = 0; i < K; i++) acc += x[r * K + i] * w[j * K + i];
                q[r * N + j] = (sbyte)Math.Clamp(Int8Reference.Rescale(acc, Multiplier, Shift) + ZeroPoint, -128, 127);
            }
        return new CheckOutput([.. q.Select(v => (float)v)], q);
    }

    private (float[] A, float[] B) FloatOperands()
    {
        var random = new Random(_seed);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        return ([.. Enumerable.Range(0, M * K).Select(_ => Next())], [.. Enumerable.Range(0, K * N).Select(_ => Next())]);
    }

    private (sbyte[] A, sbyte[] W, int[] Bias) Int8Operands()
    {
        var random = new Random(_seed);
        sbyte Next() => (sbyte)random.Next(-128, 128);
        return ([.. Enumerable.Range(0, M * K).Select(_ => Next())], [.. Enumerable.Range(0, N * K).Select(_ => Next())],
            [.. Enumerable.Range(0, N).Select(_ => random.Next(-20_000, 20_000))]);
    }
}
