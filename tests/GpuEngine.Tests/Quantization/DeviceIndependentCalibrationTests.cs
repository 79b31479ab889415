using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Zoo;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Quantization;

/// <summary>
/// int8 answers do not depend on the device: an int8 session that calibrates on the fly (no --quantized file) gives the
/// same int8 and dequantized logits, bit for bit, on every device, because calibration always runs on the cpu backend.
/// Before that rule each device calibrated with its own fp32 kernels, whose last-bit differences moved the scales.
/// </summary>
public class DeviceIndependentCalibrationTests
{
    public static TheoryData<string, string> Models() => new()
    {
        { "repvgg-n1", "2x3x48x48" },
        { "mobilenet_v2", "1x3x48x48" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void OnTheFlyInt8GivesBitIdenticalLogitsOnEveryDevice(string model, string input)
    {
        // The cross-device comparison needs a device besides cpu: opencl (PoCL in CI).
        Backends.DeviceAvailability.Require("opencl");
        var devices = Kernels.InferenceSessionDevices.List().Where(d => d != "cpu").ToList();
        var shape = TensorShape.Parse(input);
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, shape, 37), seed: 5);
        var x = RandomInput.Uniform(shape, 11);
        var options = new SessionOptions { Precision = Precision.Int8, Calibration = new() { Samples = 2, Seed = 3 } };
        var (cpuScales, cpuLogits) = Int8Logits(graph, x, options with { Device = "cpu" });
        foreach (var device in devices)
        {
            var (scales, logits) = Int8Logits(graph, x, options with { Device = device });
            Assert.Equal(cpuScales, scales);
            Assert.True(cpuLogits.AsSpan().SequenceEqual(logits), $"{model} on {device}: int8 logits differ from cpu's");
        }
    }

    private static (SortedDictionary<string, float> Scales, int[] Logits) Int8Logits(Ir.Graph graph, Tensor input, SessionOptions options)
    {
        using var session = SessionFactory.Create(graph, options);
        var dequantized = session.Run(input).Floats;
        var int8 = session.ReadTensor(session.OutputMetadata[0].Name).AsSpan<sbyte>().ToArray();
        // Compare int8 values and the dequantized floats' bits together.
        int[] logits = [.. int8.Select(v => (int)v), .. dequantized.Select(BitConverter.SingleToInt32Bits)];
        return (new SortedDictionary<string, float>(session.Quantization!.ActivationScales.ToDictionary(), StringComparer.Ordinal), logits);
    }
}
