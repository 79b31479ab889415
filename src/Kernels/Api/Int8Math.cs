namespace GpuEngine.Kernels;

/// <summary>
/// Int8 inference intrinsics: 4-way packed dot product (dp4a), packed loads, and gemmlowp-style
/// fixed-point requantization (SaturatingRoundingDoublingHighMul then RoundingDivideByPOT).
/// </summary>
public static class Int8Math
{
    /// <summary>
    /// <paramref name="acc"/> plus the dot product of the four signed bytes packed in <paramref name="a"/> and
    /// <paramref name="b"/> (byte 0 = bits 0..7). CUDA: <c>__dp4a</c> (sm_61+); OpenCL: shifts and multiplies.
    /// </summary>
    [DeviceIntrinsic("__dp4a({0}, {1}, {2})", "gpue_dp4a({0}, {1}, {2})")]
    public static int Dot4(int a, int b, int acc) =>
        acc + (sbyte)a * (sbyte)b + (sbyte)(a >> 8) * (sbyte)(b >> 8)
            + (sbyte)(a >> 16) * (sbyte)(b >> 16) + (sbyte)(a >> 24) * (sbyte)(b >> 24);

    /// <summary>Packs <c>view[index..index+3]</c> into an int, little-endian; needs no alignment.</summary>
    [DeviceIntrinsic("GPUE_LOAD4({0}, {1})", "GPUE_LOAD4({0}, {1})")]
    public static int Load4(View<sbyte> view, int index) =>
        (byte)view[index] | (byte)view[index + 1] << 8 | (byte)view[index + 2] << 16 | (byte)view[index + 3] << 24;

    /// <summary>round(x / 2^exponent), ties away from zero (gemmlowp RoundingDivideByPOT); 0 ≤ exponent ≤ 31.</summary>
    [DeviceIntrinsic("gpue_rounding_divide_by_pot({0}, {1})", "gpue_rounding_divide_by_pot({0}, {1})")]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>High 32 bits of 2*a*b rounded to nearest, ties towards +infinity (gemmlowp nudge), saturating the single overflow case.</summary>
    [DeviceIntrinsic("gpue_srdhm({0}, {1})", "gpue_srdhm({0}, {1})")]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>x * multiplier / 2^31 / 2^rightShift with gemmlowp rounding: int32 accumulator to requantized value.</summary>
    [DeviceIntrinsic("gpue_rounding_divide_by_pot(gpue_srdhm({0}, {1}), {2})", "gpue_rounding_divide_by_pot(gpue_srdhm({0}, {1}), {2})")]
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int rightShift) =>
        RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), rightShift);

    /// <summary>x clamped to [-128, 127].</summary>
    [DeviceIntrinsic("((signed char)gpue_clamp({0}, -128, 127))", "((char)clamp({0}, -128, 127))")]
    public static sbyte SaturateToSByte(int x) => (sbyte)Math.Clamp(x, -128, 127);

    /// <summary>x clamped to [0, 255].</summary>
    [DeviceIntrinsic("((unsigned char)gpue_clamp({0}, 0, 255))", "((uchar)clamp({0}, 0, 255))")]
    public static byte SaturateToByte(int x) => (byte)Math.Clamp(x, 0, 255);
}
