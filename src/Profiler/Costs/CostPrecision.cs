using GpuEngine.Ir;
using GpuEngine.Planning;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// The data types the byte columns count: float32 everywhere (fp32, RASP's columns), or what an int8 session stores —
/// int8 activations and weights (1 byte), int32 biases (4 bytes) and, in addsum mode, each Conv2d/Linear's int32
/// accumulators written by the kernel and read back by its requantize step.
/// </summary>
public sealed record CostPrecision(Precision Precision, Int8Mode Mode = Int8Mode.Fused)
{
    public static CostPrecision Fp32 { get; } = new(Precision.Fp32);

    /// <summary>The byte columns of a program planned with these options (a session's <c>Plan.Options</c>).</summary>
    public static CostPrecision Of(PlanOptions plan) =>
        plan.Precision == Precision.Int8 ? new(Precision.Int8, plan.Mode) : Fp32;

    public bool IsInt8 => Precision == Precision.Int8;

    /// <summary>Bytes of one activation element.</summary>
    public int ActivationBytes => (IsInt8 ? DataType.Int8 : DataType.Float32).Size();

    /// <summary>Bytes of an op's parameters as the session stores them (int8: <see cref="CostModel.RealWeightBytes"/>).</summary>
    public long ParameterBytes(Op op) => IsInt8 ? CostModel.RealWeightBytes(op) : DataType.Float32.Size() * op.ParameterCount;

    /// <summary>True where a layer's int32 accumulators go through device memory: int8 addsum mode, Conv2d and Linear.</summary>
    public bool WritesAddsum(OpCounts counts) => IsInt8 && Mode == Int8Mode.Addsum && counts.HasAddsum;

    /// <summary>How mem_r and mem_w count, stated under every report of costs at this precision.</summary>
    public string BytesConvention => !IsInt8
        ? "mem_r/mem_w are float32 bytes (4 per element): mem_r = input + parameters, mem_w = output; weights are read once per batch."
        : "mem_r/mem_w are the int8 session's bytes: activations and weights 1 per element, Conv2d/Linear biases int32 (4), other parameters float32; "
            + "mem_r = input + parameters, mem_w = output; weights are read once per batch; requantization multipliers and shifts (8 bytes an output channel) are not counted."
            + (Mode == Int8Mode.Addsum ? " Addsum mode: each Conv2d/Linear kernel writes its int32 addsum (4 bytes an output) and its Requantize step reads it back and writes the int8 output; both belong to the layer." : "");

    /// <summary>In words, as reports state it: fp32, int8 fused, int8 addsum.</summary>
    public override string ToString() => IsInt8 ? $"int8 {Mode.ToString().ToLowerInvariant()}" : "fp32";
}
