using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The fp32 two-operand ops on vectors: <see cref="ElementwiseKernels.Binary"/> (Add, Sub, Mul, Div, Max with
/// broadcasting) and <see cref="AddKernels.Add"/> (same shape, fused ReLU/ReLU6). The broadcast is collapsed at bind
/// time (<see cref="Fp32BroadcastShape"/>) so the innermost dimension is as long as possible, each operand reading it
/// with stride 1 (a vector load) or 0 (a broadcast scalar: the SE scale, a constant). One float op per element as in
/// the reference: the reference's bits. Jobs are flat chunks of <see cref="Chunk"/> output elements.
/// </summary>
internal sealed unsafe class Fp32SimdBinary(float* a, float* b, float* output, Fp32BroadcastShape shape, int kind, int activation, object[] keep)
    : CpuTacticRun
{
    /// <summary>Elements per job.</summary>
    public const int Chunk = 1 << 14;

    private SimdLevel _level;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(keep);
        RunJobs((int)((shape.Count + Chunk - 1) / Chunk), shape.Count * 2);
    }

    public override void Run(int index)
    {
        switch (_level)
        {
            case SimdLevel.Vector512: Op<Simd512, Vector512<float>>(index); break;
            case SimdLevel.Vector256: Op<Simd256, Vector256<float>>(index); break;
            case SimdLevel.Vector128: Op<Simd128, Vector128<float>>(index); break;
            default: Op<SimdScalar, float>(index); break;
        }
    }

    private void Op<TS, TV>(int index) where TS : ISimd<TV> where TV : struct
    {
        switch (kind)
        {
            case ElementwiseMath.Add: Range<TS, TV, AddOp>(index); break;
            case ElementwiseMath.Sub: Range<TS, TV, SubOp>(index); break;
            case ElementwiseMath.Mul: Range<TS, TV, MulOp>(index); break;
            case ElementwiseMath.Div: Range<TS, TV, DivOp>(index); break;
            default: Range<TS, TV, MaxOp>(index); break;
        }
    }

    private void Range<TS, TV, TOp>(int index) where TS : ISimd<TV> where TV : struct where TOp : IBinaryOp
    {
        var s = shape;
        long start = (long)index * Chunk, end = Math.Min(s.Count, start + Chunk);
        for (long i = start; i < end;)
        {
            long row = i / s.D3;
            int column = (int)(i - row * s.D3);
            long i2 = row % s.D2, rest = row / s.D2, i1 = rest % s.D1, i0 = rest / s.D1;
            float* x = a + i0 * s.A0 + i1 * s.A1 + i2 * s.A2 + (long)column * s.A3;
            float* y = b + i0 * s.B0 + i1 * s.B1 + i2 * s.B2 + (long)column * s.B3;
            int n = (int)Math.Min(end - i, s.D3 - column);
            Row<TS, TV, TOp>(x, y, output + i, n);
            i += n;
        }
    }

    private void Row<TS, TV, TOp>(float* x, float* y, float* z, int n) where TS : ISimd<TV> where TV : struct where TOp : IBinaryOp
    {
        int i = 0, w = TS.Width;
        if (shape.A3 != 0 && shape.B3 != 0)
            for (; i + w <= n; i += w) TS.Store(z + i, Act<TS, TV>(TOp.Apply<TS, TV>(TS.Load(x + i), TS.Load(y + i))));
        else if (shape.A3 != 0)
        {
            var yv = TS.Broadcast(*y);
            for (; i + w <= n; i += w) TS.Store(z + i, Act<TS, TV>(TOp.Apply<TS, TV>(TS.Load(x + i), yv)));
        }
        else if (shape.B3 != 0)
        {
            var xv = TS.Broadcast(*x);
            for (; i + w <= n; i += w) TS.Store(z + i, Act<TS, TV>(TOp.Apply<TS, TV>(xv, TS.Load(y + i))));
        }
        for (; i < n; i++) z[i] = Act<SimdScalar, float>(TOp.Apply<SimdScalar, float>(x[i * shape.A3], y[i * shape.B3]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Act<TS, TV>(TV v) where TS : ISimd<TV> where TV : struct => SimdActivation.Apply<TS, TV>(v, activation);

    private interface IBinaryOp
    {
        static abstract TV Apply<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct;
    }

    private struct AddOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Add(x, y);
    }

    private struct SubOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Subtract(x, y);
    }

    private struct MulOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Multiply(x, y);
    }

    private struct DivOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Divide(x, y);
    }

    private struct MaxOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Apply<TS, TV>(TV x, TV y) where TS : ISimd<TV> where TV : struct => TS.Max(x, y);
    }
}
