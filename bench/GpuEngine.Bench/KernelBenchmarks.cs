using GpuEngine.Execution.Launchers;
using BenchmarkDotNet.Attributes;
using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

namespace GpuEngine.Bench;

/// <summary>
/// Every kernel family at the layer shapes of RepVGG-A0 and MobileNetV2 (1x3x224x224), on each backend this machine
/// has: one case per distinct (kernel, input shape, output shape) launch of the model's session. A case replays that
/// one launch and waits for the device, so the figure includes the launch overhead a real inference pays.
/// </summary>
public class KernelBenchmarks
{
    private static readonly string[] Models = ["repvgg-a0", "mobilenet_v2"];
    private InferenceSession? _session;
    private KernelLaunch? _launch;

    /// <summary>"backend model launch-index kernel shape" strings, built by listing each model's launches on the cpu.</summary>
    public static IEnumerable<string> Cases()
    {
        var backends = new[] { "cpu", "opencl", "cuda" }.Where(Available).ToList();
        foreach (var model in Models)
        {
            using var session = Session(model, "cpu");
            var seen = new HashSet<string>();
            for (int i = 0; i < session.Launches.Count; i++)
            {
                var l = session.Launches[i];
                var key = $"{l.Kernel.Name} {session.ExecutionGraph.InputShape(l.Node)}->{session.ExecutionGraph.OutputShape(l.Node)}";
                if (!seen.Add(key)) continue;
                foreach (var backend in backends) yield return $"{backend} {model} {i} {key}";
            }
        }
    }

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split(' ');
        _session = Session(parts[1], parts[0]);
        _launch = _session.Launches[int.Parse(parts[2])];
        _launch.Run(_session.Backend); // compiles the kernel outside the measurement
        _session.Backend.Synchronize();
    }

    [Benchmark]
    public void Launch()
    {
        _launch!.Run(_session!.Backend);
        _session.Backend.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup() => _session?.Dispose();

    private static InferenceSession Session(string model, string device)
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, new TensorShape(1, 3, 224, 224)), 0);
        return new InferenceSession(graph, new SessionOptions { Device = device });
    }

    private static bool Available(string device)
    {
        try
        {
            using var choice = BackendFactory.Choose(device).Backend;
            return true;
        }
        catch (BackendUnavailableException)
        {
            return false;
        }
    }
}
