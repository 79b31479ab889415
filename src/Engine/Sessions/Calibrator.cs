using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Quantization;

namespace GpuEngine.Sessions;

/// <summary>
/// Post-training calibration through the public API of an fp32 <see cref="InferenceSession"/>, as ONNX Runtime's
/// calibrator does: the session runs each calibration input with every intermediate tensor kept (PlanMemory = false,
/// so no tensor shares another's bytes) and read back by name; the ranges of those tensors become the int8 model.
/// The fp32 runs are always on the cpu backend, whatever device the int8 session will use: each device's fp32 kernels
/// sum in their own order, and a last-bit difference in one range moves a scale, so calibrating on the chosen device
/// made the int8 answer depend on the device (docs/quantization.md).
/// </summary>
public static class Calibrator
{
    /// <summary>The backend every calibration runs on, so one model and one calibration give one quantized model.</summary>
    public const string Device = "cpu";

    /// <summary>Calibrates <paramref name="graph"/> (prepared as <paramref name="session"/> says) and quantizes it.</summary>
    public static QuantizedModel Calibrate(Graph graph, SessionOptions session, CalibrationOptions calibration)
    {
        var (exec, ranges) = Measure(graph, session, calibration);
        return Quantizer.Quantize(exec, ranges, calibration.Describe());
    }

    /// <summary>
    /// Runs <paramref name="graph"/> prepared as <paramref name="session"/> says (fp32, on <see cref="Device"/> whatever
    /// <paramref name="session"/> names) on the calibration inputs; returns the execution graph and the range of each of
    /// its tensors (the input and every node's output), by name.
    /// </summary>
    public static (Graph ExecutionGraph, Dictionary<string, double> Ranges) Measure(Graph graph, SessionOptions session, CalibrationOptions options)
    {
        using var fp32 = new InferenceSession(graph, session with
        {
            Device = Device, Precision = Planning.Precision.Fp32, PlanMemory = false, Quantization = null,
        });
        var exec = fp32.ExecutionGraph;
        var names = exec.Inputs.Take(1).Select(i => i.Name).Concat(exec.Nodes.Select(n => n.Output)).Distinct().ToList();
        var values = names.ToDictionary(n => n, _ => new List<float[]>());
        int done = 0;
        foreach (var input in options.Inputs(exec.Inputs[0].Shape))
        {
            fp32.Run(input);
            WorkProgress.Report("calibrating", ++done, options.Directory is null ? options.Samples : 0);
            foreach (var name in names) values[name].Add(fp32.ReadTensor(name).Floats);
        }
        return (exec, values.ToDictionary(p => p.Key, p => Calibration.Range(p.Value, options)));
    }
}
