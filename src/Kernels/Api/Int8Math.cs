using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuEngine.Kernels;

/// <summary>
/// Int8 inference helpers callable from kernels: the 4-way packed dot product (dp4a), packed loads, and gemmlowp-style
/// fixed-point requantization (SaturatingRoundingDoublingHighMul then RoundingDivideByPOT). Ordinary static methods:
/// ILGPU compiles them into the kernels that call them, the generator translates them for the cpu and OpenCL backends.
/// </summary>
public static class Int8Math
{
    /// <summary>
    /// <paramref name="acc"/> plus the dot product of the four signed bytes packed in <paramref name="a"/> and
    /// <paramref name="b"/> (byte 0 = bits 0..7). On CUDA one <c>dp4a</c> instruction (sm_61+); elsewhere shifts and multiplies.
    /// </summary>
    public static int Dot4(int a, int b, int acc)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("dp4a.s32.s32 %0, %1, %2, %3;", out int result, a, b, acc);
            return result;
        }
        return acc + (sbyte)a * (sbyte)b + (sbyte)(a >> 8) * (sbyte)(b >> 8)
            + (sbyte)(a >> 16) * (sbyte)(b >> 16) + (sbyte)(a >> 24) * (sbyte)(b >> 24);
    }

    /// <summary>Packs <c>view[index..index+3]</c> into an int, little-endian; needs no alignment.</summary>
    public static int Load4(ArrayView<sbyte> view, int index) =>
        (int)((uint)(byte)view[index] | (uint)(byte)view[index + 1] << 8 | (uint)(byte)view[index + 2] << 16 | (uint)(byte)view[index + 3] << 24);

    /// <summary>round(x / 2^exponent), ties away from zero (gemmlowp RoundingDivideByPOT); 0 ≤ exponent ≤ 31.</summary>
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>High 32 bits of 2*a*b rounded to nearest, ties towards +infinity (gemmlowp nudge), saturating the single overflow case.</summary>
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>x * multiplier / 2^31 / 2^rightShift with gemmlowp rounding: int32 accumulator to requantized value.</summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int rightShift) =>
        RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), rightShift);

    /// <summary>x clamped to [-128, 127].</summary>
    public static sbyte SaturateToSByte(int x) => (sbyte)Math.Min(Math.Max(x, -128), 127);

    /// <summary>x clamped to [0, 255].</summary>
    public static byte SaturateToByte(int x) => (byte)Math.Min(Math.Max(x, 0), 255);
}
