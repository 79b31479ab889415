using ILGPU;

namespace GpuEngine.Kernels.Ops;

/// <summary>
/// Int8 activation layout conversions for the tensor-core path: NCHW (the engine's layout everywhere) to NHWC with
/// the channels padded to a multiple (NHWC4 lets one 32-bit load fetch the four k values of an mma fragment register
/// when k runs over channels first; 32 fills a whole m16n8k32 k step), and back. Meant to run once at each edge of a
/// run of tensor-core convs; the padding channels hold a fill value (the tensor's zero point, so they add nothing
/// to a sum against zero-padded weights). One item per output element, grid-stride loop.
/// </summary>
public static class Int8LayoutKernels
{
    /// <summary>
    /// output[((n·H + y)·W + x)·Cp + c] = c &lt; C ? input[((n·C + c)·H + y)·W + x] : fill. Views: input int8 N×C×H×W,
    /// output int8 N×H×W×Cp (Cp = <see cref="Int8LayoutParams.PaddedChannels"/> ≥ C). Grid: <c>LaunchGrid.Linear(N·H·W·Cp)</c> or smaller.
    /// </summary>
    [Kernel]
    public static void Int8NchwToNhwc(ArrayView<sbyte> input, ArrayView<sbyte> output, Int8LayoutParams p)
    {
        int channels = p.Channels;
        int padded = p.PaddedChannels;
        int height = p.Height;
        int width = p.Width;
        int fill = p.Fill;
        int count = p.Batch * height * width * padded;
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            int c = i % padded;
            int pixel = i / padded;
            int x = pixel % width;
            int y = pixel / width % height;
            int n = pixel / width / height;
            int value = fill;
            if (c < channels) value = input[((n * channels + c) * height + y) * width + x];
            output[i] = (sbyte)value;
        }
    }

    /// <summary>
    /// The inverse: output[((n·C + c)·H + y)·W + x] = input[((n·H + y)·W + x)·Cp + c], the padding channels dropped.
    /// Views: input int8 N×H×W×Cp, output int8 N×C×H×W. Grid: <c>LaunchGrid.Linear(N·C·H·W)</c> or smaller.
    /// </summary>
    [Kernel]
    public static void Int8NhwcToNchw(ArrayView<sbyte> input, ArrayView<sbyte> output, Int8LayoutParams p)
    {
        int channels = p.Channels;
        int padded = p.PaddedChannels;
        int height = p.Height;
        int width = p.Width;
        int count = p.Batch * channels * height * width;
        for (int i = Grid.GlobalIndex.X; i < count; i += Grid.DimX * Group.DimX)
        {
            int x = i % width;
            int y = i / width % height;
            int c = i / width / height % channels;
            int n = i / width / height / channels;
            output[i] = input[((n * height + y) * width + x) * padded + c];
        }
    }
}

/// <summary>Shape of an <see cref="Int8LayoutKernels"/> conversion (flat launch arguments in field order).</summary>
public struct Int8LayoutParams
{
    public int Batch;
    public int Channels;
    public int Height;
    public int Width;

    /// <summary>Channels of the NHWC side, C rounded up to the layout's multiple (4 or 32); C itself for plain NHWC.</summary>
    public int PaddedChannels;

    /// <summary>The int8 value of the padding channels (NCHW to NHWC only): the tensor's zero point.</summary>
    public int Fill;
}
