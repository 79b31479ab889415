using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Quantization;

/// <summary>
/// A change of number format inside an int8 program, inserted by <see cref="QuantizationPass"/> (no model contains one).
/// Elementwise: every element is read as <paramref name="From"/> and written as <paramref name="To"/>.
/// </summary>
public abstract record ConversionOp(DataType From, DataType To) : ElementwiseOp;

/// <summary>The float32 → int8 edge at a graph input.</summary>
public sealed record QuantizeOp() : ConversionOp(DataType.Float32, DataType.Int8)
{
    /// <inheritdoc/>
    public override string TypeName => "Quantize";
}

/// <summary>The int8 → float32 edge at a graph output.</summary>
public sealed record DequantizeOp() : ConversionOp(DataType.Int8, DataType.Float32)
{
    /// <inheritdoc/>
    public override string TypeName => "Dequantize";
}

/// <summary>Addsum mode: a Conv2d/Linear's int32 NAME.addsum → its int8 output (the epilogue moved out of the kernel).</summary>
public sealed record RequantizeOp() : ConversionOp(DataType.Int32, DataType.Int8)
{
    /// <inheritdoc/>
    public override string TypeName => "Requantize";
}
