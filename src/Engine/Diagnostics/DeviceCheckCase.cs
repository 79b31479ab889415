using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Quantization;

namespace GpuEngine.Diagnostics;

/// <summary>
/// What one case produced: fp32 values, or int8 values with their dequantized floats (both must match bit for bit).
/// </summary>
public sealed record CheckOutput(float[] Floats, sbyte[]? Int8 = null);

/// <summary>One run of a case on a device: its output, the kernels it launched, one warm run's host time.</summary>
public sealed record CheckRun(CheckOutput Output, IReadOnlyList<string> Kernels, double Milliseconds);

/// <summary>
/// One case of <c>gpuengine check</c>: something that runs on any device (<see cref="Run"/>) and, for the cpu backend
/// itself, an independent answer (<see cref="Reference"/>: float64 loops for fp32, integer loops for int8).
/// </summary>
public abstract class DeviceCheckCase(string name, string shape, Precision precision)
{
    public string Name { get; } = name;

    /// <summary>The input shape(s) in words, like 2x5x13x11.</summary>
    public string Shape { get; } = shape;

    public Precision Precision { get; } = precision;

    /// <summary>Whole models (false: single kernels or single ops); <c>--kernels-only</c> skips these.</summary>
    public virtual bool IsModel => false;

    /// <summary>Runs the case on <paramref name="device"/> (a name BackendFactory takes).</summary>
    public abstract CheckRun Run(string device);

    /// <summary>The answer from plain loops, independent of every backend.</summary>
    public abstract CheckOutput Reference();
}

/// <summary>
/// A graph run through an <see cref="InferenceSession"/>: random weights and input from the seed; int8 cases quantize once
/// (calibration on the cpu backend, 2 random inputs) and run that one fixed <see cref="QuantizedModel"/> on every device.
/// </summary>
public sealed class GraphCheckCase : DeviceCheckCase
{
    private readonly Lazy<Graph> _graph;
    private readonly Lazy<Tensor> _input;
    private readonly SessionOptions _options;
    private readonly Lazy<(Graph Exec, QuantizedModel Model)> _quantized;

    public GraphCheckCase(string name, Graph shapes, int seed, SessionOptions options, bool isModel)
        : base(name, shapes.Inputs[0].Shape.ToString(), options.Precision)
    {
        // Weights are drawn when the case first runs, so a filtered-out case costs nothing.
        _graph = new(() => WeightInitializer.Initialize(shapes, unchecked((ulong)seed)));
        _input = new(() => RandomInput.Uniform(shapes.Inputs[0].Shape, seed));
        _options = options;
        IsModel = isModel;
        _quantized = new(() =>
        {
            var calibration = new CalibrationOptions { Samples = 2, Seed = seed };
            var (exec, ranges) = Calibration.Measure(_graph.Value, _options, calibration);
            return (exec, Quantizer.Quantize(exec, ranges, calibration.Describe()));
        });
    }

    public override bool IsModel { get; }

    public override CheckRun Run(string device)
    {
        var options = _options with { Device = device, Quantization = Precision == Precision.Int8 ? _quantized.Value.Model : null };
        using var session = new InferenceSession(_graph.Value, options);
        session.Run(_input.Value); // the first run compiles
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var floats = session.Run(_input.Value).Floats;
        double ms = clock.Elapsed.TotalMilliseconds;
        var int8 = Precision == Precision.Int8 ? session.ReadTensor(session.OutputMetadata[0].Name).AsSpan<sbyte>().ToArray() : null;
        return new CheckRun(new CheckOutput(floats, int8), [.. session.Launches.Select(l => l.Kernel.Name).Distinct()], ms);
    }

    public override CheckOutput Reference()
    {
        if (Precision == Precision.Fp32) return new CheckOutput([.. Float64Reference.Output(_graph.Value, _input.Value.Floats).Select(v => (float)v)]);
        var (exec, model) = _quantized.Value;
        var (int8, dequantized) = Int8Reference.Output(exec, model, _input.Value.Floats);
        return new CheckOutput(dequantized, int8);
    }
}
