using GpuEngine.Planning;

namespace GpuEngine.Execution;

/// <summary>How an <see cref="InferenceSession"/> prepares and runs a model. Every property states its default.</summary>
public sealed record SessionOptions
{
    /// <summary>auto (cuda, else an OpenCL GPU, else cpu), cpu, opencl or cuda. Default auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Fold BatchNorm into convolutions and fuse activations into epilogues. Default true.</summary>
    public bool OptimizeGraph { get; init; } = true;

    /// <summary>Turn train-time RepVGG blocks into their deploy form first. Default false (the graph runs as given).</summary>
    public bool Reparameterize { get; init; }

    /// <summary>
    /// Place activations in one planned arena (default true). False gives every tensor a buffer of its own
    /// (views still share their input's): the reference the planned run must equal.
    /// </summary>
    public bool PlanMemory { get; init; } = true;

    /// <summary>fp32 (default) or int8: int8 runs integer-only from the input quantization to the output dequantization.</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Int8 only: requantize in the kernel epilogue (Fused, default) or through int32 NAME.addsum tensors (Addsum).</summary>
    public Int8Mode Int8Mode { get; init; } = Int8Mode.Fused;

    /// <summary>
    /// Int8 only: the activation layout of the tensor-core convs (<see cref="GpuEngine.Quantization.Int8LayoutPass"/>). Auto (default)
    /// runs NHWC regions where the tensor-core kernel is the fixed int8 conv (cuda sm_80+) and NCHW elsewhere; Nhwc runs the
    /// pass on any device (ilgpu-cpu emulates the mma, so CI can run it); Nchw never.
    /// </summary>
    public GpuEngine.Quantization.Int8Layout Int8Layout { get; init; } = GpuEngine.Quantization.Int8Layout.Auto;

    /// <summary>
    /// Int8 only: the quantized model to run. Null (default) calibrates on the fly with <see cref="Calibration"/>, always on
    /// the cpu backend (so the int8 answer is the same on every device); <see cref="InferenceSession.Quantization"/> then holds the result.
    /// </summary>
    public Quantization.QuantizedModel? Quantization { get; init; }

    /// <summary>Int8 only: the calibration used when <see cref="Quantization"/> is null. Default 8 random inputs, min/max.</summary>
    public Quantization.CalibrationOptions Calibration { get; init; } = new();

    /// <summary>
    /// The most device memory (arena and weights) the session may allocate, checked before any allocation; null (default)
    /// takes <see cref="MemoryBudget.DefaultBytes"/> (half the memory available to the process).
    /// </summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>Planner settings (alignment, hill climb). Default <see cref="PlanOptions"/>' defaults.</summary>
    public PlanOptions Plan { get; init; } = new();

    /// <summary>Conv and linear kernels as planned (Fixed, default) or chosen by measurement on the first input (Tuned); see docs/tactics.md.</summary>
    public Tactics.TacticMode Tactics { get; init; } = Execution.Tactics.TacticMode.Fixed;

    /// <summary>Tuned only: where choices are cached. Null (default) opens <see cref="Execution.Tactics.TacticCache.DefaultPath"/>.</summary>
    public Tactics.TacticCache? TacticCache { get; init; }

    /// <summary>
    /// cpu only: under <see cref="Tactics.TacticMode.Fixed"/>, run the SIMD kernels (src/Engine/Backends/Cpu/Simd) wherever
    /// one applies (default true). False runs the planned kernels, the C# translation of the GPU kernels, as every other
    /// device would launch them (<c>gpuengine kernels</c> lists those; GPUENGINE_CPU_SIMD=off turns the SIMD kernels off everywhere).
    /// </summary>
    public bool CpuSimd { get; init; } = true;

    /// <summary>cuda only: capture the launch sequence into a CUDA graph at the first run and replay it after (default true).</summary>
    public bool Graphs { get; init; } = true;

    /// <summary>
    /// Model-loading sessions (<see cref="InferenceSession(string, SessionOptions?)"/>): the input shape (NCHW). Null
    /// (default) takes a zoo model's usual input (batch 1; 1x3x224x224 for most) or a model file's own dimensions; a file
    /// with symbolic dimensions (a batch named N) needs it.
    /// </summary>
    public Ir.TensorShape? InputShape { get; init; }

    /// <summary>Model-loading sessions, zoo models only: the class count. Null (default) takes the model's usual count (1000 for most).</summary>
    public int? Classes { get; init; }

    /// <summary>Model-loading sessions, zoo models only: a .safetensors checkpoint with the weights. Null (default): see <see cref="WeightSeed"/>.</summary>
    public string? Weights { get; init; }

    /// <summary>
    /// Model-loading sessions, zoo models only, when <see cref="Weights"/> is null: draw random weights from this seed (the
    /// command line's --seed). Null (default) with no weights file is an error: a zoo model has no weights of its own.
    /// </summary>
    public ulong? WeightSeed { get; init; }

    /// <summary>Where one-line warnings go (a corrupt tactic cache, a graph capture that failed). Default standard error.</summary>
    public Action<string> Warn { get; init; } = line => Console.Error.WriteLine(line);
}
