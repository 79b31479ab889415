using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Quantization;
using GpuEngine.Sessions;

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

    /// <summary>
    /// Runs the case on <paramref name="device"/> (a name BackendFactory takes); <paramref name="timed"/> adds a second,
    /// timed run after the first (which compiles), else <see cref="CheckRun.Milliseconds"/> is the first run's.
    /// </summary>
    public abstract CheckRun Run(string device, bool timed = true);

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

    /// <summary>A case on <paramref name="shapes"/> with random weights from <paramref name="seed"/>.</summary>
    public GraphCheckCase(string name, Graph shapes, int seed, SessionOptions options, bool isModel)
        : this(name, shapes, Weights(shapes, seed), seed, options, isModel)
    {
    }

    /// <summary>A case on weights drawn when first needed (so a filtered-out case costs nothing), shared by fp32 and int8 cases of one model.</summary>
    public GraphCheckCase(string name, Graph shapes, Lazy<Graph> weighted, int seed, SessionOptions options, bool isModel)
        : base(name, shapes.Inputs[0].Shape.ToString(), options.Precision)
    {
        _graph = weighted;
        _input = new(() => RandomInput.Uniform(shapes.Inputs[0].Shape, seed));
        _options = options;
        IsModel = isModel;
        _quantized = new(() =>
        {
            var calibration = new CalibrationOptions { Samples = 2, Seed = seed };
            var (exec, ranges) = Calibrator.Measure(_graph.Value, _options, calibration);
            return (exec, Quantizer.Quantize(exec, ranges, calibration.Describe()));
        });
    }

    public override bool IsModel { get; }

    /// <summary>The graph with random weights from <paramref name="seed"/>, drawn on first use.</summary>
    public static Lazy<Graph> Weights(Graph shapes, int seed) => new(() => WeightInitializer.Initialize(shapes, unchecked((ulong)seed)));

    public override CheckRun Run(string device, bool timed = true)
    {
        var options = _options with { Device = device, Quantization = Precision == Precision.Int8 ? _quantized.Value.Model : null };
        using var session = new InferenceSession(_graph.Value, options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var floats = session.Run(_input.Value).Floats;
        if (timed)
        {
            clock.Restart(); // the first run compiled
            floats = session.Run(_input.Value).Floats;
        }
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
