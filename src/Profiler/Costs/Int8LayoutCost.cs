using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// The int8 layout conversions of the tensor-core path (<c>Int8LayoutKernels</c>: NCHW to NHWC with the channels padded
/// to Cp, and back). flops = macc = 0 (they move bytes, as <see cref="ConversionCost"/>); one byte per element. To NHWC:
/// every NCHW element read once, every NHWC element written once, padding included (N·C·H·W read, N·Cp·H·W written).
/// Back to NCHW: only the real channels are read (N·C·H·W read and written). Shapes are given as N, C, H, W; the NHWC
/// side's shape is reported as N, Cp, H, W.
/// </summary>
public static class Int8LayoutCost
{
    /// <summary>NCHW <paramref name="shape"/> to NHWC with <paramref name="paddedChannels"/> channels.</summary>
    public static LayerCost ToNhwc(string name, TensorShape shape, int paddedChannels)
    {
        var nhwc = new TensorShape(shape.N, paddedChannels, shape.H, shape.W);
        return new(name, "Int8NchwToNhwc", shape, nhwc, Params: 0, Flops: 0, Macc: 0, MemR: shape.Elements, MemW: nhwc.Elements,
            ActBytesInt8: 0, AddsumBytesInt32: 0, WeightBias: 0, WeightBiasReal: 0);
    }

    /// <summary>NHWC with <paramref name="paddedChannels"/> channels back to the NCHW <paramref name="shape"/>.</summary>
    public static LayerCost ToNchw(string name, TensorShape shape, int paddedChannels) =>
        new(name, "Int8NhwcToNchw", new TensorShape(shape.N, paddedChannels, shape.H, shape.W), shape, Params: 0, Flops: 0, Macc: 0,
            MemR: shape.Elements, MemW: shape.Elements, ActBytesInt8: 0, AddsumBytesInt32: 0, WeightBias: 0, WeightBiasReal: 0);
}
