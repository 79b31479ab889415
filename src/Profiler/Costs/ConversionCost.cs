using GpuEngine.Quantization;
using GpuEngine.Ir;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Quantize, Dequantize and Requantize (our convention): conversions between number formats, elementwise. flops = macc = 0:
/// they change how numbers are stored, not the model's arithmetic (so an int8 profile's flops equal fp32's, and a
/// requantization fused into a kernel's epilogue adds none either). Bytes for the real types: every element read at
/// its source size and written at its target size. No parameters, and no part of the seed's per-layer int8 model
/// (act_bytes_int8, addsum_bytes_int32 stay 0).
/// </summary>
public static class ConversionCost
{
    public static LayerCost Count(string name, ConversionOp op, TensorShape shape) =>
        new(name, op.TypeName, shape, shape, Params: 0, Flops: 0, Macc: 0,
            MemR: op.From.Size() * shape.Elements, MemW: op.To.Size() * shape.Elements,
            ActBytesInt8: 0, AddsumBytesInt32: 0, WeightBias: 0, WeightBiasReal: 0);
}
