using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The int8 edges and the int8 residual Add on AVX2, bit-exact with their reference kernels (<see cref="QuantizeKernels"/>,
/// <see cref="RequantizeKernels.Requantize"/>, <see cref="Int8AddKernels"/>): the same float multiply and round-half-even,
/// the same integer requantization (<see cref="Int8Epilogue.Requant8"/>), the same saturation. Jobs are flat chunks of
/// <see cref="Chunk"/> elements; a tail shorter than a vector runs the reference's scalar formula.
/// </summary>
internal abstract unsafe class Int8ElementwiseRun(int count, int costPerElement, object[] keep) : CpuTacticRun
{
    /// <summary>Elements per job.</summary>
    public const int Chunk = 1 << 14;

    public override void Execute()
    {
        GC.KeepAlive(keep);
        Int8Jobs.Run((count + Chunk - 1) / Chunk, this, (long)count * costPerElement);
    }

    public override void Run(int index)
    {
        int start = index * Chunk;
        Range(start, Math.Min(count, start + Chunk));
    }

    /// <summary>Computes elements [start, end).</summary>
    protected abstract void Range(int start, int end);

    /// <summary>Stores 4 × 8 int32 lanes as 32 int8 in order, saturating (vpackssdw, vpacksswb, then a dword permute back into order).</summary>
    protected static void Store32(sbyte* p, Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        var bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(a, b), Avx2.PackSignedSaturate(c, d));
        Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte().Store(p);
    }

    /// <summary>Whether <see cref="Int8Epilogue.Requant8"/> computes this multiplier and shift exactly (the doubling high mul never saturates).</summary>
    protected static bool VectorRequant(int multiplier, int shift) => multiplier != int.MinValue && shift is >= 0 and <= 31;
}

/// <summary><see cref="QuantizeKernels.Quantize"/>: q = sat8((int)clamp(roundHalfEven(x · inverseScale), ±1024) + zeroPoint).</summary>
internal sealed unsafe class Int8SimdQuantize(float* input, sbyte* output, int count, float inverseScale, int zeroPoint, object[] keep)
    : Int8ElementwiseRun(count, 4, keep)
{
    protected override void Range(int start, int end)
    {
        var scale = Vector256.Create(inverseScale);
        int i = start;
        for (; i + 32 <= end; i += 32) Store32(output + i, Lanes(i, scale), Lanes(i + 8, scale), Lanes(i + 16, scale), Lanes(i + 24, scale));
        for (; i < end; i++)
        {
            float q = Math.Clamp(MathF.Round(input[i] * inverseScale), -1024f, 1024f);
            output[i] = Int8Math.SaturateToSByte((int)q + zeroPoint);
        }
    }

    // Vector256.Round is round-half-even (MathF.Round's default); the clamp keeps the conversion exact, and NaN converts to 0 as (int)NaN does.
    private Vector256<int> Lanes(int i, Vector256<float> scale) =>
        Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round(Vector256.Load(input + i) * scale), Vector256.Create(-1024f)),
            Vector256.Create(1024f))) + Vector256.Create(zeroPoint);
}

/// <summary><see cref="QuantizeKernels.Dequantize"/>: x = (float)(q − zeroPoint) · scale (exact conversion, one rounding).</summary>
internal sealed unsafe class Int8SimdDequantize(sbyte* input, float* output, int count, float scale, int zeroPoint, object[] keep)
    : Int8ElementwiseRun(count, 2, keep)
{
    protected override void Range(int start, int end)
    {
        var s = Vector256.Create(scale);
        var zp = Vector256.Create(zeroPoint);
        int i = start;
        for (; i + 8 <= end; i += 8)
            (Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(input + i) - zp) * s).Store(output + i);
        for (; i < end; i++) output[i] = (input[i] - zeroPoint) * scale;
    }
}

/// <summary><see cref="RequantizeKernels.Requantize"/>: int32 addsums to int8 with the multiplier and shift of channel (i / pixels) % channels.</summary>
internal sealed unsafe class Int8SimdRequantize(int* accumulator, int* multiplier, int* shift, sbyte* output, int channels, int pixels, int count,
    int outputZeroPoint, int clampMin, int clampMax, object[] keep) : Int8ElementwiseRun(count, 8, keep)
{
    private readonly bool _clampInInt8 = clampMin >= sbyte.MinValue && clampMax <= sbyte.MaxValue;

    protected override void Range(int start, int end)
    {
        var epilogue = new Int8Epilogue(RequantizeKernels.Fused, multiplier, shift, output, null, outputZeroPoint, clampMin, clampMax);
        for (int i = start; i < end;)
        {
            int plane = i / pixels, c = plane % channels;
            int stop = (int)Math.Min(end, (long)(plane + 1) * pixels);
            if (_clampInInt8 && VectorRequant(multiplier[c], shift[c]))
                for (; i + 8 <= stop; i += 8) epilogue.Store8(Avx.LoadVector256(accumulator + i), c, i);
            for (; i < stop; i++) epilogue.Store(accumulator[i], c, i);
        }
    }
}

/// <summary>
/// <see cref="Int8AddKernels.Int8Add"/>: clamp(MBQM(MBQM(a·2^20, mA, sA) + MBQM(b·2^20, mB, sB), mOut, sOut)), 8 lanes at a
/// time (a·2^20 as a left shift: the same bits in wrapping int32 arithmetic); the scalar formula where a multiplier
/// or the clamp is outside what the vector steps reproduce.
/// </summary>
internal sealed unsafe class Int8SimdAdd(sbyte* a, sbyte* b, sbyte* output, Int8AddParams p, object[] keep) : Int8ElementwiseRun(p.Count, 16, keep)
{
    private readonly bool _vector = p.ClampMin >= sbyte.MinValue && p.ClampMax <= sbyte.MaxValue
        && VectorRequant(p.MultiplierA, p.ShiftA) && VectorRequant(p.MultiplierB, p.ShiftB) && VectorRequant(p.OutputMultiplier, p.OutputShift);

    protected override void Range(int start, int end)
    {
        int i = start;
        if (_vector)
            for (; i + 32 <= end; i += 32) Store32(output + i, Lanes(i), Lanes(i + 8), Lanes(i + 16), Lanes(i + 24));
        for (; i < end; i++)
        {
            int sum = Int8Math.MultiplyByQuantizedMultiplier(a[i] * (1 << Int8AddKernels.LeftShift), p.MultiplierA, p.ShiftA)
                + Int8Math.MultiplyByQuantizedMultiplier(b[i] * (1 << Int8AddKernels.LeftShift), p.MultiplierB, p.ShiftB);
            output[i] = RequantizeKernels.Requant(sum, p.OutputMultiplier, p.OutputShift, 0, p.ClampMin, p.ClampMax);
        }
    }

    private Vector256<int> Lanes(int i)
    {
        var x = Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(a + i), Int8AddKernels.LeftShift);
        var y = Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(b + i), Int8AddKernels.LeftShift);
        var sum = Int8Epilogue.Requant8(x, p.MultiplierA, p.ShiftA) + Int8Epilogue.Requant8(y, p.MultiplierB, p.ShiftB);
        var q = Int8Epilogue.Requant8(sum, p.OutputMultiplier, p.OutputShift);
        return Vector256.Min(Vector256.Max(q, Vector256.Create(p.ClampMin)), Vector256.Create(p.ClampMax));
    }
}
