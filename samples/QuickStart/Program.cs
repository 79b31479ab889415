// QuickStart: load the committed RepVGG-N1 weights into a session by zoo name, run it on a device through the named
// Run into a buffer of our own, and check the answer against an independent reference: the train-time graph, as
// written (three branches per block, BatchNorm unfolded), on the cpu backend, compared with the re-parameterized
// deploy graph on another device. Exits 1 on a mismatch, 2 when the weights cannot be read.
using GpuEngine;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;

string weights = args.Length > 0 ? args[0] : "weights/repvgg-n1-train.safetensors";
const double Tolerance = 1e-3; // relative to the largest logit: float32 sums in another order, BatchNorm folded

// The train-time RepVGG-N1 (89 classes) on a small 32x32 input, so even the slow ilgpu-cpu device is quick.
var model = new SessionOptions { InputShape = TensorShape.Parse("1x3x32x32"), Classes = 89, Weights = weights };
var input = RandomInput.Uniform(model.InputShape!.Value, seed: 7);

float[] expected;
try
{
    // The reference: the graph exactly as trained, every layer its own kernel, on the plain C# cpu backend.
    expected = Run(model with { Device = "cpu", OptimizeGraph = false, PlanMemory = false }, input);
}
catch (GpuEngineException e)
{
    Console.Error.WriteLine($"quickstart: {e.Message}");
    return 2;
}

// What a user runs: re-parameterized into 3x3 convolutions, BatchNorm folded, one planned arena, on a device.
foreach (string device in new[] { "opencl", "ilgpu-cpu", "cpu" })
{
    float[] actual;
    try
    {
        actual = Run(model with { Device = device, Reparameterize = true }, input);
    }
    catch (GpuEngineException e) when (device != "cpu")
    {
        Console.WriteLine($"{device}: not available here ({e.Message}); trying the next device");
        continue;
    }
    double scale = expected.Max(v => Math.Abs((double)v));
    double worst = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max() / scale;
    int top = Array.IndexOf(actual, actual.Max());
    Console.WriteLine($"{device}: {actual.Length} logits, top class {top}, largest difference from the train-time cpu reference {worst:E2} of the largest logit");
    if (actual.Length != expected.Length || worst > Tolerance || top != Array.IndexOf(expected, expected.Max()))
    {
        Console.Error.WriteLine($"quickstart: {device} differs from the reference by {worst:E2} (allowed {Tolerance:E0})");
        return 1;
    }
    return 0;
}
return 1;

static float[] Run(SessionOptions options, Tensor input)
{
    // The session owns its device memory: dispose it. The logits buffer is ours: Run fills it and keeps no reference.
    using var session = new InferenceSession("repvgg-n1-train", options);
    var output = session.OutputMetadata[0];
    var logits = new float[output.Shape.Elements];
    session.Run([NamedTensor.Wrap(session.InputNames[0], input)], [NamedTensor.Wrap(output.Name, logits, output.Shape)]);
    return logits;
}
