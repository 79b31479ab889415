using System.Runtime.Intrinsics;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// <see cref="Int8Pool2dKernels.Int8MaxPool2d"/> on AVX2: per output row, the window's input rows reduced by a
/// column-wise max of 32 bytes at a time into a per-thread row, then each output takes the max of its kw columns,
/// from −128 as the reference does. A max: bit-exact. Jobs are blocks of planes of about 4K inputs.
/// </summary>
internal sealed unsafe class Int8SimdMaxPool(sbyte* input, sbyte* output, Pool2dParams p, object[] keep) : CpuTacticRun
{
    [ThreadStatic] private static sbyte[]? t_row;
    private readonly int _planesPerJob = Math.Max(1, 4096 / Math.Max(1, p.Height * p.Width));

    public override void Execute()
    {
        GC.KeepAlive(keep);
        Int8Jobs.Run((p.Planes + _planesPerJob - 1) / _planesPerJob, this, (long)p.Planes * p.OutH * p.OutW * p.KernelH * p.KernelW);
    }

    public override void Run(int index)
    {
        var row = t_row is { } r && r.Length >= p.Width ? r : t_row = new sbyte[Math.Max(p.Width, 256)];
        fixed (sbyte* columns = row)
            for (int plane = index * _planesPerJob, end = Math.Min(p.Planes, plane + _planesPerJob); plane < end; plane++)
                Plane(plane, columns);
    }

    private void Plane(int plane, sbyte* columns)
    {
        sbyte* x = input + (long)plane * p.Height * p.Width;
        sbyte* y = output + (long)plane * p.OutH * p.OutW;
        int width = p.Width;
        for (int oy = 0; oy < p.OutH; oy++)
        {
            int y0 = Pool2dKernels.WindowStart(oy, p.StrideH, p.PadH), y1 = Pool2dKernels.WindowEnd(oy, p.StrideH, p.PadH, p.KernelH, p.Height);
            int i = 0;
            for (; i + 32 <= width; i += 32)
            {
                var acc = Vector256.Create(sbyte.MinValue);
                for (int r = y0; r < y1; r++) acc = Vector256.Max(acc, Vector256.Load(x + r * width + i));
                acc.Store(columns + i);
            }
            for (; i < width; i++)
            {
                int acc = sbyte.MinValue;
                for (int r = y0; r < y1; r++) acc = Math.Max(acc, x[r * width + i]);
                columns[i] = (sbyte)acc;
            }
            for (int ox = 0; ox < p.OutW; ox++)
            {
                int x0 = Pool2dKernels.WindowStart(ox, p.StrideW, p.PadW), x1 = Pool2dKernels.WindowEnd(ox, p.StrideW, p.PadW, p.KernelW, width);
                int acc = sbyte.MinValue;
                for (int c = x0; c < x1; c++) acc = Math.Max(acc, columns[c]);
                y[oy * p.OutW + ox] = (sbyte)acc;
            }
        }
    }
}
