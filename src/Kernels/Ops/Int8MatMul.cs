using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 matrix multiply with int32 accumulation by dp4a and gemmlowp requantization: the inner loop of
/// quantized convolution (weights laid out [n, k], like conv weights [Cout, Cin·Kh·Kw]).
/// </summary>
public static class Int8MatMulKernels
{
    /// <summary>
    /// output[r, j] = sat8(MultiplyByQuantizedMultiplier(Σ_k a[r, k]·w[j, k] + bias[j], multiplier, shift) + outputZeroPoint).
    /// Inputs are symmetric (zero point 0). Grid: one work item per output, x over j (n), y over r (m).
    /// </summary>
    [Kernel]
    public static void MatMulDp4a(ArrayView<sbyte> a, ArrayView<sbyte> w, ArrayView<int> bias, ArrayView<sbyte> output,
        int m, int n, int k, int multiplier, int shift, int outputZeroPoint)
    {
        int j = Grid.GlobalIndex.X;
        int r = Grid.GlobalIndex.Y;
        if (j >= n || r >= m) return;
        int acc = bias[j];
        int aRow = r * k;
        int wRow = j * k;
        int k4 = k - k % 4;
        for (int i = 0; i < k4; i += 4)
            acc = Int8Math.Dot4(Int8Math.Load4(a, aRow + i), Int8Math.Load4(w, wRow + i), acc);
        for (int i = k4; i < k; i++)
            acc += a[aRow + i] * w[wRow + i];
        output[r * n + j] = Requantize(acc, multiplier, shift, outputZeroPoint);
    }

    /// <summary>int32 accumulator to int8: fixed-point scale, add the output zero point, saturate.</summary>
    public static sbyte Requantize(int acc, int multiplier, int shift, int zeroPoint) =>
        Int8Math.SaturateToSByte(Int8Math.MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint);
}
