using System.Diagnostics;
using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.KernelArgument;

namespace GpuEngine.Bench;

/// <summary>
/// Device-timed single kernels at RepVGG-A0 / MobileNetV2 layer shapes (batch 1, 224 input):
/// <c>dotnet run -c Release --project bench/GpuEngine.Bench -- kernels cpu opencl</c>. Each launch shape is warmed up
/// once (PoCL compiles per local size at first enqueue), then the median of the backend's event timings is printed
/// with the bytes moved and operations done, so distance from the roofline can be read off.
/// </summary>
public static class KernelTimings
{
    private sealed record Case(string Name, KernelDescriptor Kernel, LaunchGrid Grid, long[] Buffers, int[] Scalars, double Bytes, double Ops, float[]? FloatScalars = null);

    private static IEnumerable<Case> Cases()
    {
        const int act = FusedActivation.Relu;
        var globalGrid = new LaunchGrid(new Dim3(Pool2dKernels.GlobalThreads), new Dim3(1280));
        // BN 32x112x112 (MobileNetV2 stem, unfolded): read + write 4 B each.
        long bn = 32 * 112 * 112;
        yield return new("BatchNorm2d 32x112x112", GeneratedKernels.BatchNorm2dKernels_BatchNorm2d, LaunchGrid.Linear(bn),
            [bn * 4, 128, 128, 128, 128, bn * 4], [32, 112 * 112, (int)bn], 8.0 * bn, 4.0 * bn, [1e-5f]);
        long pin = 64 * 112 * 112, pout = 64 * 56 * 56;
        int[] pool = [64, 112, 112, 3, 3, 2, 2, 1, 1, 56, 56];
        yield return new("MaxPool2d 64x112x112 k3 s2 p1", GeneratedKernels.Pool2dKernels_MaxPool2d, LaunchGrid.Linear(pout), [pin * 4, pout * 4], pool, 4.0 * (pin + pout), 9.0 * pout);
        yield return new("AvgPool2d 64x112x112 k3 s2 p1", GeneratedKernels.Pool2dKernels_AvgPool2d, LaunchGrid.Linear(pout), [pin * 4, pout * 4], [.. pool, 1], 4.0 * (pin + pout), 9.0 * pout);
        yield return new("AdaptiveAvgPool2d 512x14x14->7x7", GeneratedKernels.Pool2dKernels_AdaptiveAvgPool2d, LaunchGrid.Linear(512 * 49),
            [512 * 196 * 4, 512 * 49 * 4], [512, 14, 14, 7, 7], 4.0 * 512 * (196 + 49), 512 * 196);
        yield return new("GlobalAvgPool 1280x7x7", GeneratedKernels.Pool2dKernels_GlobalAvgPool, globalGrid, [1280 * 49 * 4, 1280 * 4], [49], 4.0 * 1280 * 50, 1280 * 49);
        var rows = new LaunchGrid(new Dim3(LinearKernels.RowThreads, LinearKernels.RowsPerGroup), new Dim3(125, 1));
        yield return new("Linear 1280->1000 batch 1 (rows)", GeneratedKernels.LinearKernels_LinearRows, rows,
            [1280 * 4, 1280 * 1000 * 4, 4000, 4000], [1280, 1000, 1, act], 4.0 * 1280 * 1001, 2.0 * 1280 * 1000);
        var tiled = new LaunchGrid(new Dim3(16, 16), new Dim3(63, 4));
        yield return new("Linear 1280->1000 batch 64 (tiled)", GeneratedKernels.LinearKernels_LinearTiled, tiled,
            [64 * 1280 * 4, 1280 * 1000 * 4, 4000, 64 * 4000], [64, 1280, 1000, 1, act], 4.0 * (1280 * 1064 + 64 * 1000), 2.0 * 64 * 1280 * 1000);
        // RepVGG-A0 stage 2 body: 48->48 3x3 at 56x56 (fp32 for comparison, then int8).
        int[] conv = [1, 48, 56, 56, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 56, 56, 1];
        var convGrid = new LaunchGrid(new Dim3(16, 16), new Dim3(49, 1, 1));
        double convOps = 2.0 * 48 * 56 * 56 * 48 * 9;
        yield return new("Conv2d fp32 48->48 3x3 56x56", GeneratedKernels.Conv2dKernels_Conv2d, convGrid,
            [48 * 3136 * 4, 48 * 432 * 4, 48 * 4, 48 * 3136 * 4], [.. conv, act], 4.0 * (2 * 48 * 3136 + 48 * 432), convOps);
        yield return new("Int8Conv2d fused 48->48 3x3 56x56", GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, convGrid,
            [48 * 3136, 48 * 432, 48 * 4, 48 * 4, 48 * 4, 48 * 3136, 4], [.. conv, 0, 0, 0, 127, RequantizeKernels.Fused], 2.0 * 48 * 3136 + 48 * 432, convOps);
        yield return new("Int8Conv2d addsum 48->48 3x3 56x56", GeneratedKernels.Int8Conv2dKernels_Int8Conv2d, convGrid,
            [48 * 3136, 48 * 432, 48 * 4, 48 * 4, 48 * 4, 4, 48 * 3136 * 4], [.. conv, 0, 0, 0, 127, RequantizeKernels.AddSumWrite], 5.0 * 48 * 3136 + 48 * 432, convOps);
        yield return new("Requantize 48x56x56", GeneratedKernels.RequantizeKernels_Requantize, LaunchGrid.Linear(48 * 3136),
            [48 * 3136 * 4, 48 * 4, 48 * 4, 48 * 3136], [48, 3136, 48 * 3136, 0, 0, 127], 5.0 * 48 * 3136, 48 * 3136);
        var int8Rows = new LaunchGrid(new Dim3(Int8LinearKernels.RowThreads, Int8LinearKernels.RowsPerGroup), new Dim3(125, 1));
        yield return new("Int8Linear 1280->1000 batch 1", GeneratedKernels.Int8LinearKernels_Int8Linear, int8Rows,
            [1280, 1280 * 1000, 4000, 4000, 4000, 1000, 4], [1280, 1000, 1, 0, -128, 127, RequantizeKernels.Fused], 1280.0 * 1001, 2.0 * 1280 * 1000);
        yield return new("Int8GlobalAvgPool 1280x7x7", GeneratedKernels.Int8GlobalAvgPoolKernels_Int8GlobalAvgPool,
            new LaunchGrid(new Dim3(Int8GlobalAvgPoolKernels.Threads), new Dim3(1280)), [1280 * 49, 1280], [49, 0, 1 << 30, 5, 0], 1280.0 * 50, 1280 * 49);
        long img = 3 * 224 * 224;
        yield return new("Quantize 3x224x224", GeneratedKernels.QuantizeKernels_Quantize, LaunchGrid.Linear(img), [img * 4, img], [(int)img, 0], 5.0 * img, img, [50f]);
        yield return new("Dequantize 1000", GeneratedKernels.QuantizeKernels_Dequantize, LaunchGrid.Linear(1000), [1000, 4000], [1000, 0], 5.0 * 1000, 1000, [0.1f]);
    }

    public static void Run(string[] backends, int repeats)
    {
        Console.WriteLine("| kernel | backend | median ms | GB/s | GOP/s |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var name in backends)
        {
            using var backend = BackendFactory.Create(name);
            foreach (var c in Cases())
            {
                var views = c.Kernel.Parameters.Where(p => p.Kind == KernelParameterKind.View).ToList();
                var buffers = c.Buffers.Select(bytes => backend.Allocate(bytes)).ToList();
                var random = new Random(1);
                for (int v = 0; v < buffers.Count; v++)
                {
                    var data = new byte[buffers[v].Bytes];
                    random.NextBytes(data);
                    // Floats: small finite numbers; int32 (bias, multiplier, shift): 0..15 so shifts stay valid; int8: anything.
                    if (views[v].ElementType == KernelElementType.Float32)
                        for (int i = 3; i < data.Length; i += 4) data[i] &= 0x3F;
                    else if (views[v].ElementType == KernelElementType.Int32)
                        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i % 4 == 0 ? data[i] & 15 : 0);
                    backend.Upload(buffers[v], 0, data);
                }
                var args = new List<KernelArgument>();
                for (int i = 0; i < buffers.Count; i++) args.Add(View(buffers[i], 0, buffers[i].Bytes / (views[i].ElementType is KernelElementType.Float32 or KernelElementType.Int32 ? 4 : 1)));
                int scalar = 0, floats = 0;
                foreach (var p in c.Kernel.Parameters.Where(p => p.Kind == KernelParameterKind.Scalar))
                    args.Add(p.ElementType == KernelElementType.Float32 ? Float(c.FloatScalars![floats++]) : Int(c.Scalars[scalar++]));
                var times = new List<double>();
                for (int r = 0; r <= repeats; r++)
                {
                    using var start = backend.RecordEvent();
                    backend.Launch(c.Kernel, c.Grid, [.. args]);
                    using var end = backend.RecordEvent();
                    backend.Synchronize();
                    if (r > 0) times.Add(backend.ElapsedMilliseconds(start, end));
                }
                times.Sort();
                double ms = times[times.Count / 2];
                Console.WriteLine($"| {c.Name} | {name} | {ms:F3} | {c.Bytes / ms / 1e6:F2} | {c.Ops / ms / 1e6:F2} |");
                foreach (var b in buffers) b.Dispose();
            }
        }
    }
}
