// QuickStart: load the committed RepVGG-N1 weights, run them through the library's InferenceSession on a device,
// and check the answer against an independent reference: the train-time graph, as written (three branches per block,
// BatchNorm unfolded), on the cpu backend, compared with the re-parameterized deploy graph on another device.
// Exits 1 on a mismatch, 2 when the weights cannot be read.
using GpuEngine;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

string weights = args.Length > 0 ? args[0] : "weights/repvgg-n1-train.safetensors";
const double Tolerance = 1e-3; // relative to the largest logit: float32 sums in another order, BatchNorm folded

Graph graph;
try
{
    // The train-time RepVGG-N1 (89 classes) on a small 32x32 input, so even the slow ilgpu-cpu device is quick.
    graph = WeightFile.Load(ModelZoo.Create("repvgg-n1-train", TensorShape.Parse("1x3x32x32"), classes: 89), weights);
}
catch (GpuEngineException e)
{
    Console.Error.WriteLine($"quickstart: {e.Message}");
    return 2;
}

// The reference: the graph exactly as trained, every layer its own kernel, on the plain C# cpu backend.
float[] expected = Run(graph, new SessionOptions { Device = "cpu", OptimizeGraph = false, PlanMemory = false });

// What a user runs: re-parameterized into 3x3 convolutions, BatchNorm folded, one planned arena, on a device.
foreach (string device in new[] { "opencl", "ilgpu-cpu", "cpu" })
{
    float[] actual;
    try
    {
        actual = Run(graph, new SessionOptions { Device = device, Reparameterize = true });
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

static float[] Run(Graph graph, SessionOptions options)
{
    // The session owns its device memory: dispose it. Run copies the input in and returns a new host tensor.
    using var session = new InferenceSession(graph, options);
    Tensor output = session.Run(RandomInput.Uniform(session.InputMetadata[0].Shape, seed: 7));
    return output.Floats;
}
