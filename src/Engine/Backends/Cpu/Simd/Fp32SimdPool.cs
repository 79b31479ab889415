using System.Runtime.Intrinsics;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// <see cref="Pool2dKernels.GlobalAvgPool"/> on vectors: each plane summed with four vector accumulators, divided by the
/// pixel count. Jobs are blocks of <see cref="Block"/> planes. The sum's order differs from the reference's tree:
/// within float rounding of it.
/// </summary>
internal sealed unsafe class Fp32SimdGlobalAvgPool(float* input, float* output, int planes, int pixels, object[] keep) : CpuTacticRun
{
    private const int Block = 16;
    private SimdLevel _level;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(keep);
        RunJobs((planes + Block - 1) / Block, (long)planes * pixels);
    }

    public override void Run(int index)
    {
        for (int plane = index * Block, end = Math.Min(planes, plane + Block); plane < end; plane++)
        {
            float* x = input + (long)plane * pixels;
            output[plane] = _level switch
            {
                SimdLevel.Vector512 => Sum<Simd512, Vector512<float>>(x, pixels),
                SimdLevel.Vector256 => Sum<Simd256, Vector256<float>>(x, pixels),
                SimdLevel.Vector128 => Sum<Simd128, Vector128<float>>(x, pixels),
                _ => Sum<SimdScalar, float>(x, pixels),
            } / pixels;
        }
    }

    private static float Sum<TS, TV>(float* x, int count) where TS : ISimd<TV> where TV : struct
    {
        int w = TS.Width, i = 0;
        TV s0 = TS.Zero, s1 = TS.Zero, s2 = TS.Zero, s3 = TS.Zero;
        for (; i + 4 * w <= count; i += 4 * w)
        {
            s0 = TS.Add(s0, TS.Load(x + i));
            s1 = TS.Add(s1, TS.Load(x + i + w));
            s2 = TS.Add(s2, TS.Load(x + i + 2 * w));
            s3 = TS.Add(s3, TS.Load(x + i + 3 * w));
        }
        for (; i + w <= count; i += w) s0 = TS.Add(s0, TS.Load(x + i));
        float sum = TS.Sum(TS.Add(TS.Add(s0, s1), TS.Add(s2, s3)));
        for (; i < count; i++) sum += x[i];
        return sum;
    }
}

/// <summary>
/// <see cref="Pool2dKernels.MaxPool2d"/> and <see cref="Pool2dKernels.AvgPool2d"/> on vectors, windows clipped as the
/// reference clips them. Per output row, the window's input rows are first reduced column-wise into a per-thread row
/// (vectors along the row, any stride), then each output reduces its kw columns of that row. Max gives the reference's
/// bits; the mean sums in another order (within float rounding). Jobs are blocks of planes of about 4K inputs.
/// </summary>
internal sealed unsafe class Fp32SimdWindowPool(float* input, float* output, Pool2dParams p, bool max, bool countIncludePad, object[] keep) : CpuTacticRun
{
    [ThreadStatic] private static float[]? t_row;
    private readonly int _planesPerJob = Math.Max(1, 4096 / Math.Max(1, p.Height * p.Width));
    private SimdLevel _level;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(keep);
        RunJobs((p.Planes + _planesPerJob - 1) / _planesPerJob, (long)p.Planes * p.OutH * p.OutW * p.KernelH * p.KernelW);
    }

    public override void Run(int index)
    {
        var row = t_row is { } r && r.Length >= p.Width ? r : t_row = new float[Math.Max(p.Width, 256)];
        fixed (float* columns = row)
            for (int plane = index * _planesPerJob, end = Math.Min(p.Planes, plane + _planesPerJob); plane < end; plane++)
                switch (_level)
                {
                    case SimdLevel.Vector512: Plane<Simd512, Vector512<float>>(plane, columns); break;
                    case SimdLevel.Vector256: Plane<Simd256, Vector256<float>>(plane, columns); break;
                    case SimdLevel.Vector128: Plane<Simd128, Vector128<float>>(plane, columns); break;
                    default: Plane<SimdScalar, float>(plane, columns); break;
                }
    }

    private void Plane<TS, TV>(int plane, float* columns) where TS : ISimd<TV> where TV : struct
    {
        float* x = input + (long)plane * p.Height * p.Width;
        float* y = output + (long)plane * p.OutH * p.OutW;
        int width = p.Width, w = TS.Width;
        float start = max ? float.NegativeInfinity : 0f;
        for (int oy = 0; oy < p.OutH; oy++)
        {
            int top = oy * p.StrideH - p.PadH, paddedBottom = Math.Min(top + p.KernelH, p.Height + p.PadH);
            int y0 = Math.Max(top, 0), y1 = Math.Min(paddedBottom, p.Height);
            var init = TS.Broadcast(start);
            int i = 0;
            for (; i + w <= width; i += w)
            {
                var acc = init;
                for (int r = y0; r < y1; r++) acc = max ? TS.Max(acc, TS.Load(x + r * width + i)) : TS.Add(acc, TS.Load(x + r * width + i));
                TS.Store(columns + i, acc);
            }
            for (; i < width; i++)
            {
                float acc = start;
                for (int r = y0; r < y1; r++) acc = max ? Math.Max(acc, x[r * width + i]) : acc + x[r * width + i];
                columns[i] = acc;
            }
            for (int ox = 0; ox < p.OutW; ox++)
            {
                int left = ox * p.StrideW - p.PadW, paddedRight = Math.Min(left + p.KernelW, width + p.PadW);
                int x0 = Math.Max(left, 0), x1 = Math.Min(paddedRight, width);
                float acc = start;
                for (int c = x0; c < x1; c++) acc = max ? Math.Max(acc, columns[c]) : acc + columns[c];
                y[oy * p.OutW + ox] = max ? acc : acc / (countIncludePad ? (paddedBottom - top) * (paddedRight - left) : (y1 - y0) * (x1 - x0));
            }
        }
    }
}
