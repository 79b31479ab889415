using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using static GpuEngine.Backends.Cpu.Simd.TacticArguments;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// <see cref="Int8GlobalAvgPoolKernels.Int8GlobalAvgPool"/> on the cpu: each plane's int32 sum 16 bytes at a time
/// (widened to int16, pairs summed by <c>vpmaddwd</c> with ones), then the reference's own requantization. Integer
/// sums: bit-exact. Jobs are blocks of 16 planes.
/// </summary>
internal sealed unsafe class Int8SimdGlobalAvgPool(sbyte* input, sbyte* output, int planes, int pixels, int inputZeroPoint,
    int multiplier, int shift, int outputZeroPoint, object[] keep) : CpuTacticRun
{
    private const int Block = 16;

    public override void Execute()
    {
        GC.KeepAlive(keep);
        Int8Jobs.Run((planes + Block - 1) / Block, this, (long)planes * pixels);
    }

    public override void Run(int index)
    {
        var ones = Vector256.Create((short)1);
        for (int plane = index * Block, end = Math.Min(planes, plane + Block); plane < end; plane++)
        {
            sbyte* x = input + (long)plane * pixels;
            var acc = Vector256<int>.Zero;
            int i = 0;
            for (; i + 16 <= pixels; i += 16) acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(x + i), ones));
            int sum = Vector256.Sum(acc);
            for (; i < pixels; i++) sum += x[i];
            output[plane] = RequantizeKernels.Requant(sum - pixels * inputZeroPoint, multiplier, shift, outputZeroPoint, -128, 127);
        }
    }
}
