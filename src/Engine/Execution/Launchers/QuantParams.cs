using GpuEngine.Backends;

namespace GpuEngine.Execution.Launchers;

/// <summary>
/// Integer-only requantization of one int8 op (gemmlowp / TFLite scheme), as the quantization pass prepares it.
/// Weights are symmetric int8 per output channel; activations symmetric int8 by default (zero point 0: dp4a needs no
/// correction terms, and ReLU outputs simply use [0, 127]), a nonzero input zero point is honoured as the padding value
/// with its −zp·Σw term folded into the bias by the pass.
/// </summary>
/// <param name="Multipliers">int32 [channels] in [2^30, 2^31): the real scale input_scale·weight_scale[c]/output_scale = Multiplier·2^-31·2^-Shift.</param>
/// <param name="Shifts">int32 [channels], right shifts ≥ 0 (so each real scale is below 1).</param>
/// <param name="InputZeroPoint">Zero point of the int8 input (0 for symmetric).</param>
/// <param name="OutputZeroPoint">Added after rescaling (0 for symmetric).</param>
/// <param name="ClampMin">Lower int8 bound: −128, or the zero point for ReLU/ReLU6.</param>
/// <param name="ClampMax">Upper int8 bound: 127, or min(127, zp + round(6 / output_scale)) for ReLU6.</param>
public sealed record QuantParams(BufferSlice Multipliers, BufferSlice Shifts, int InputZeroPoint, int OutputZeroPoint, int ClampMin = -128, int ClampMax = 127);

/// <summary>What an int8 GEMM-like launch writes: int8 requantized outputs, or int32 sums (with bias) to an addsum buffer.</summary>
public enum Int8OutputMode
{
    /// <summary>int8 output, requantized in the epilogue.</summary>
    Fused = Kernels.Ops.RequantizeKernels.Fused,

    /// <summary>Overwrite the int32 addsum buffer with the sums.</summary>
    AddSumWrite = Kernels.Ops.RequantizeKernels.AddSumWrite,

    /// <summary>Add the sums into the int32 addsum buffer (a second branch of the same block).</summary>
    AddSumAccumulate = Kernels.Ops.RequantizeKernels.AddSumAccumulate,
}
