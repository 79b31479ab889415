using BenchmarkDotNet.Attributes;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Profiling.Peer;

namespace GpuEngine.Bench;

/// <summary>
/// The engine on one device against ONNX Runtime (CPU EP, default threads and optimizations) on the same ONNX model
/// and input, in one process: the Ratio column is engine / ONNX Runtime per model and device (issue 15). Models as
/// issue 15 names them; random weights (seed 0) and input (seed 0). Run:
/// <c>dotnet run -c Release --project bench/GpuEngine.Bench -- --filter '*PeerBenchmarks*'</c>.
/// </summary>
public class PeerBenchmarks
{
    [Params("repvgg-n1 1x3x112x112", "repvgg-n1 1x3x224x224", "repvgg-a0 1x3x112x112", "repvgg-a0 1x3x224x224",
        "mobilenet_v2 1x3x224x224", "vgg11 1x3x64x64")]
    public string Case { get; set; } = "repvgg-n1 1x3x112x112";

    [Params("cpu", "opencl")]
    public string Device { get; set; } = "cpu";

    private InferenceSession? _session;
    private OnnxRuntimePeer? _peer;
    private Tensor? _input;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split(' ');
        var shape = TensorShape.Parse(parts[1]);
        ModelProto model = OnnxFile.Export(WeightInitializer.Initialize(ModelLoader.Load(parts[0], shape), 0));
        var graph = OnnxFile.Import(model, parts[0], shape);
        _input = RandomInput.Uniform(shape, 0);
        _session = new InferenceSession(graph, new SessionOptions { Device = Device });
        _peer = new OnnxRuntimePeer(model);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session?.Dispose();
        _peer?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime CPU")]
    public int OnnxRuntime() => _peer!.Run(_input!).Count;

    [Benchmark(Description = "GpuEngine")]
    public long Engine() => _session!.Run(_input!).Shape.Elements;
}
