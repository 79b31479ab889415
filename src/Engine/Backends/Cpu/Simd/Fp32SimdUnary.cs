using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The fp32 pointwise unary ops on vectors: <see cref="ElementwiseKernels.Unary"/> (Sigmoid, HardSigmoid, HardSwish, Clip,
/// LeakyRelu) and the standalone <see cref="ActivationKernels"/> (ReLU, ReLU6). The same float steps as the reference
/// (no fused multiply-add), so every op but Sigmoid gives the reference's bits; Sigmoid is 1 / (1 + exp(−x)) with the
/// runtime's vector exp, within a few ulp of the float64 value. Jobs are flat chunks of <see cref="Chunk"/>; in place is fine.
/// </summary>
internal sealed unsafe class Fp32SimdUnary(float* input, float* output, int count, int kind, float alpha, float beta, object[] keep) : CpuTacticRun
{
    /// <summary>Elements per job.</summary>
    public const int Chunk = 1 << 14;

    /// <summary>Kind codes beside <see cref="ElementwiseMath"/>'s for the standalone activations.</summary>
    public const int Relu = -1, Relu6 = -2;

    private SimdLevel _level;

    /// <summary>Whether <paramref name="kind"/> is an op this kernel computes.</summary>
    public static bool Handles(int kind) => kind is >= Relu6 and <= ElementwiseMath.LeakyRelu;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(keep);
        RunJobs((count + Chunk - 1) / Chunk, (long)count * (kind == ElementwiseMath.Sigmoid ? 16 : 2));
    }

    public override void Run(int index)
    {
        int start = index * Chunk, end = Math.Min(count, start + Chunk);
        switch (_level)
        {
            case SimdLevel.Vector512: Range<Simd512, Vector512<float>>(start, end); break;
            case SimdLevel.Vector256: Range<Simd256, Vector256<float>>(start, end); break;
            case SimdLevel.Vector128: Range<Simd128, Vector128<float>>(start, end); break;
            default: Range<SimdScalar, float>(start, end); break;
        }
    }

    private void Range<TS, TV>(int start, int end) where TS : ISimd<TV> where TV : struct
    {
        switch (kind)
        {
            case ElementwiseMath.Sigmoid: Loop<TS, TV, SigmoidOp>(start, end); break;
            case ElementwiseMath.HardSigmoid: Loop<TS, TV, HardSigmoidOp>(start, end); break;
            case ElementwiseMath.HardSwish: Loop<TS, TV, HardSwishOp>(start, end); break;
            case ElementwiseMath.Clip: Loop<TS, TV, ClipOp>(start, end); break;
            case ElementwiseMath.LeakyRelu: Loop<TS, TV, LeakyReluOp>(start, end); break;
            case Relu: Loop<TS, TV, ReluOp>(start, end); break;
            default: Loop<TS, TV, Relu6Op>(start, end); break;
        }
    }

    private void Loop<TS, TV, TOp>(int start, int end) where TS : ISimd<TV> where TV : struct where TOp : IUnaryOp
    {
        TV a = TS.Broadcast(alpha), b = TS.Broadcast(beta);
        int i = start;
        for (; i + TS.Width <= end; i += TS.Width) TS.Store(output + i, TOp.Apply<TS, TV>(TS.Load(input + i), a, b));
        for (; i < end; i++) output[i] = TOp.Apply<SimdScalar, float>(input[i], alpha, beta);
    }

    private interface IUnaryOp
    {
        static abstract TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct;
    }

    private struct SigmoidOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct =>
            TS.Divide(TS.Broadcast(1f), TS.Add(TS.Broadcast(1f), TS.Exp(TS.Subtract(TS.Zero, x))));
    }

    private struct HardSigmoidOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct =>
            TS.Max(TS.Zero, TS.Min(TS.Broadcast(1f), TS.Add(TS.Multiply(alpha, x), beta)));
    }

    private struct HardSwishOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct =>
            TS.Multiply(x, TS.Max(TS.Zero, TS.Min(TS.Broadcast(1f), TS.Add(TS.Divide(x, TS.Broadcast(6f)), TS.Broadcast(0.5f)))));
    }

    private struct ClipOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct => TS.Min(TS.Max(x, alpha), beta);
    }

    private struct LeakyReluOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct => TS.SelectNonNegative(x, TS.Multiply(alpha, x));
    }

    private struct ReluOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct => TS.Max(x, TS.Zero);
    }

    private struct Relu6Op : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x, TV alpha, TV beta) where TS : ISimd<TV> where TV : struct => TS.Min(TS.Max(x, TS.Zero), TS.Broadcast(6f));
    }
}
