using GpuEngine.Kernels.Ops;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace GpuEngine.Tests.Kernels.TensorCore;

/// <summary>
/// The portable m16n8k32 (warp shuffles) alone, on ILGPU's CPU accelerator with 32-lane warps: one warp loads its
/// fragments by the PTX ISA layout (written out again here, independently of the conv kernel), multiplies, stores its
/// accumulators by the same layout, and the 16 × 8 tile must equal C + A·B computed by plain integer loops.
/// </summary>
public class TensorCoreMmaTests
{
    /// <summary>
    /// a: 16 rows × 8 packed ints (k 4q..4q+3 in int q); b: 8 columns × 8 packed ints; c: 16 × 8 row-major, in and out.
    /// </summary>
    private static void MmaTile(ArrayView<int> a, ArrayView<int> b, ArrayView<int> c)
    {
        int lane = Group.IdxX;
        int g = lane >> 2, t = lane & 3;
        var acc = new MmaAccumulator { C0 = c[g * 8 + 2 * t], C1 = c[g * 8 + 2 * t + 1], C2 = c[(g + 8) * 8 + 2 * t], C3 = c[(g + 8) * 8 + 2 * t + 1] };
        acc = TensorCoreMma.Mma(acc, a[g * 8 + t], a[(g + 8) * 8 + t], a[g * 8 + 4 + t], a[(g + 8) * 8 + 4 + t], b[g * 8 + t], b[g * 8 + 4 + t]);
        c[g * 8 + 2 * t] = acc.C0;
        c[g * 8 + 2 * t + 1] = acc.C1;
        c[(g + 8) * 8 + 2 * t] = acc.C2;
        c[(g + 8) * 8 + 2 * t + 1] = acc.C3;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Emulated_Mma_EqualsIntegerGemm_OnA16x8x32Tile(int seed)
    {
        var random = new Random(seed);
        var a = new sbyte[16 * 32];
        var b = new sbyte[32 * 8]; // b[k * 8 + n]
        for (int i = 0; i < a.Length; i++) a[i] = (sbyte)random.Next(-128, 128);
        for (int i = 0; i < b.Length; i++) b[i] = (sbyte)random.Next(-128, 128);
        a[0] = -128; b[0] = -128; // the extremes multiply exactly
        var c = Enumerable.Range(0, 16 * 8).Select(_ => random.Next(-1_000_000, 1_000_000)).ToArray();

        var expected = new int[16 * 8];
        for (int m = 0; m < 16; m++)
            for (int n = 0; n < 8; n++)
            {
                long sum = c[m * 8 + n];
                for (int k = 0; k < 32; k++) sum += a[m * 32 + k] * b[k * 8 + n];
                expected[m * 8 + n] = (int)sum;
            }

        var aPacked = new int[16 * 8];
        var bPacked = new int[8 * 8];
        for (int m = 0; m < 16; m++)
            for (int q = 0; q < 8; q++) aPacked[m * 8 + q] = Pack(a[m * 32 + 4 * q], a[m * 32 + 4 * q + 1], a[m * 32 + 4 * q + 2], a[m * 32 + 4 * q + 3]);
        for (int n = 0; n < 8; n++)
            for (int q = 0; q < 8; q++) bPacked[n * 8 + q] = Pack(b[4 * q * 8 + n], b[(4 * q + 1) * 8 + n], b[(4 * q + 2) * 8 + n], b[(4 * q + 3) * 8 + n]);

        using var context = Context.Create(builder => builder.CPU(new CPUDevice(32, 1, 1)));
        using var accelerator = context.GetCPUDevice(0).CreateCPUAccelerator(context);
        var kernel = accelerator.LoadKernel<ArrayView<int>, ArrayView<int>, ArrayView<int>>(MmaTile);
        using var aBuffer = accelerator.Allocate1D(aPacked);
        using var bBuffer = accelerator.Allocate1D(bPacked);
        using var cBuffer = accelerator.Allocate1D(c);
        kernel(accelerator.DefaultStream, new KernelConfig(1, 32), aBuffer.View, bBuffer.View, cBuffer.View);
        accelerator.Synchronize();
        Assert.Equal(expected, cBuffer.GetAsArray1D());
    }

    private static int Pack(sbyte x0, sbyte x1, sbyte x2, sbyte x3) =>
        (int)((uint)(byte)x0 | (uint)(byte)x1 << 8 | (uint)(byte)x2 << 16 | (uint)(byte)x3 << 24);
}
