using GpuEngine.Backends;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>The shape and hyper-parameters of an fp32 conv launch (the scalar arguments of Conv2dKernels.Conv2d, in order).</summary>
public readonly record struct Fp32Conv2dShape(int Batch, int InChannels, int Height, int Width, int OutChannels, int KernelH, int KernelW,
    int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW, int Groups, int OutH, int OutW, bool HasBias, int Activation)
{
    /// <summary>Output channels per conv group: the GEMM's M.</summary>
    public int RowsPerGroup => OutChannels / Groups;

    /// <summary>Input channels per conv group.</summary>
    public int InPerGroup => InChannels / Groups;

    /// <summary>The GEMM's K: (input channel, ky, kx) of one group.</summary>
    public int Depth => InPerGroup * KernelH * KernelW;

    /// <summary>Output pixels of one image: the GEMM's N per (image, group).</summary>
    public int Pixels => OutH * OutW;

    /// <summary>Reads the scalars from a Conv2d launch's arguments (indices 4 to 21).</summary>
    public static Fp32Conv2dShape FromArguments(KernelArgument[] a)
    {
        int I(int i) => a[i].ScalarBits;
        return new(I(4), I(5), I(6), I(7), I(8), I(9), I(10), I(11), I(12), I(13), I(14), I(15), I(16), I(17), I(18), I(19), I(20) != 0, I(21));
    }
}
