using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The non-global adaptive average pools, <see cref="Pool2dKernels.AdaptiveAvgPool2d"/> (fp32) and
/// <see cref="Int8Pool2dKernels.Int8AdaptiveAvgPool2d"/> (int8), with PyTorch's bins: per output row, the bin's input
/// rows summed column-wise into a per-thread row (vectors along the row), then each output sums its bin's columns.
/// int8 sums are integers (exact in any order) divided by the reference's <see cref="Int8Pool2dKernels.RoundedMean"/>:
/// bit-exact; fp32 sums in another order than the reference (within float rounding). Jobs are single planes.
/// </summary>
internal sealed unsafe class SimdAdaptiveAvgPool(void* input, void* output, bool int8, int planes, int height, int width, int outH, int outW,
    object[] keep) : CpuTacticRun
{
    [ThreadStatic] private static float[]? t_floats;
    [ThreadStatic] private static int[]? t_ints;

    public override void Execute()
    {
        GC.KeepAlive(keep);
        RunJobs(planes, (long)planes * height * width * 2);
    }

    public override void Run(int index)
    {
        if (int8)
        {
            var row = t_ints is { } r && r.Length >= width ? r : t_ints = new int[Math.Max(width, 256)];
            fixed (int* columns = row) Int8Plane(index, columns);
        }
        else
        {
            var row = t_floats is { } r && r.Length >= width ? r : t_floats = new float[Math.Max(width, 256)];
            fixed (float* columns = row) Fp32Plane(index, columns);
        }
    }

    private void Fp32Plane(int plane, float* columns)
    {
        float* x = (float*)input + (long)plane * height * width;
        float* y = (float*)output + (long)plane * outH * outW;
        for (int oy = 0; oy < outH; oy++)
        {
            int y0 = Pool2dKernels.BinStart(oy, height, outH), y1 = Pool2dKernels.BinEnd(oy, height, outH);
            int i = 0;
            for (; i + 8 <= width; i += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int r = y0; r < y1; r++) sum += Vector256.Load(x + r * width + i);
                sum.Store(columns + i);
            }
            for (; i < width; i++)
            {
                float sum = 0f;
                for (int r = y0; r < y1; r++) sum += x[r * width + i];
                columns[i] = sum;
            }
            for (int ox = 0; ox < outW; ox++)
            {
                int x0 = Pool2dKernels.BinStart(ox, width, outW), x1 = Pool2dKernels.BinEnd(ox, width, outW);
                float sum = 0f;
                for (int c = x0; c < x1; c++) sum += columns[c];
                y[oy * outW + ox] = sum / ((y1 - y0) * (x1 - x0));
            }
        }
    }

    private void Int8Plane(int plane, int* columns)
    {
        sbyte* x = (sbyte*)input + (long)plane * height * width;
        sbyte* y = (sbyte*)output + (long)plane * outH * outW;
        for (int oy = 0; oy < outH; oy++)
        {
            int y0 = Pool2dKernels.BinStart(oy, height, outH), y1 = Pool2dKernels.BinEnd(oy, height, outH);
            int i = 0;
            for (; i + 8 <= width; i += 8)
            {
                var sum = Vector256<int>.Zero;
                for (int r = y0; r < y1; r++) sum += Avx2.ConvertToVector256Int32(x + r * width + i);
                sum.Store(columns + i);
            }
            for (; i < width; i++)
            {
                int sum = 0;
                for (int r = y0; r < y1; r++) sum += x[r * width + i];
                columns[i] = sum;
            }
            for (int ox = 0; ox < outW; ox++)
            {
                int x0 = Pool2dKernels.BinStart(ox, width, outW), x1 = Pool2dKernels.BinEnd(ox, width, outW);
                int sum = 0;
                for (int c = x0; c < x1; c++) sum += columns[c];
                y[oy * outW + ox] = (sbyte)Int8Pool2dKernels.RoundedMean(sum, (y1 - y0) * (x1 - x0));
            }
        }
    }
}
