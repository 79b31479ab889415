using GpuEngine.Sessions;
using GpuEngine.Backends;
using GpuEngine.Execution;
using GpuEngine.Execution.Tactics;
using GpuEngine.Ir;
using GpuEngine.Kernels;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// The tensor-core conv as a tactic candidate: on ilgpu-cpu (its mma emulated by warp shuffles) a tuned int8 RepVGG
/// validates it bit-exact against the dp4a reference at every measured conv and times it, a deliberately broken
/// tensor-core candidate is rejected, and the logits equal the fixed cpu session's; on cpu it is never offered.
/// The model is a five-conv RepVGG of width 16 at 8×8 (ilgpu-cpu runs every lane as a thread and every emulated mma is 32 warp shuffles: 14.5 minutes on a 2-core VM at load 110, beside the other tensor-core tests).
/// </summary>
public sealed class TensorCoreTacticsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpue-tc-tactics-").FullName;

    private static readonly TensorShape InputShape = new(1, 3, 8, 8);

    private static Ir.Graph TinyRepVgg()
    {
        var config = new RepVgg.Config("repvgg-tiny", [16, 16, 16, 16, 16], [1, 1, 1, 1, 1], new Dictionary<int, int>(), Seed: true);
        return WeightInitializer.Initialize(RepVgg.Build(config, InputShape, 10, deploy: true), 16);
    }

    private SessionOptions Tuned(string device, GpuEngine.Quantization.QuantizedModel quantization) => new()
    {
        Device = device,
        Precision = Precision.Int8,
        Reparameterize = true,
        Quantization = quantization,
        Tactics = TacticMode.Tuned,
        TacticCache = new TacticCache(Path.Combine(_directory, "tactics.json")),
    };

    [Fact]
    public void OnIlgpuCpu_TheTensorCoreCandidateIsValidatedAndTimed_ABrokenOneIsRejected_LogitsUnchanged()
    {
        var graph = TinyRepVgg();
        var input = RandomInput.Uniform(InputShape, 17);
        using var fixedCpu = SessionFactory.Create(graph, new SessionOptions { Device = "cpu", Precision = Precision.Int8, Reparameterize = true });
        var expected = fixedCpu.Run(input).Floats;
        // A tensor-core launch with the input zero point (the padding value) off by one: every border output is wrong.
        TacticCandidates.ExtraForTests = (launch, written) => ReferenceEquals(launch.Kernel, GeneratedKernels.Int8Conv2dKernels_Int8Conv2d)
            ?
            [
                new("tensorcore-wrong-zero-point", launch with
                {
                    Kernel = IlgpuOnlyKernels.Int8TensorCoreConv2d,
                    Grid = TensorCoreCandidates.Grid(launch.Arguments, launch.Arguments[11].ScalarBits),
                    Arguments = [.. launch.Arguments.Select((a, i) => i == InputZeroPoint ? KernelArgument.Int(a.ScalarBits + 1) : a)],
                }, written),
            ]
            : [];
        try
        {
            using var tuned = new InferenceSession(graph, Tuned("ilgpu-cpu", fixedCpu.Quantization!));
            var actual = tuned.Run(input).Floats;
            // Five convs; the last two have the same shape (16 -> 16 at 1x1), so the fifth takes the fourth's choice.
            var measured = tuned.TacticReports.Where(r => !r.FromCache).ToList();
            Assert.Equal(4, measured.Count);
            Assert.Single(tuned.TacticReports, r => r.FromCache);
            foreach (var report in measured)
            {
                var tensorCore = report.Candidates.Single(c => c.Name == TensorCoreCandidates.Name);
                Assert.True(tensorCore.Error is null, $"{report.Layer}: {tensorCore.Error}");
                Assert.NotNull(tensorCore.MedianMs);
                var broken = report.Candidates.Single(c => c.Name == "tensorcore-wrong-zero-point");
                Assert.Null(broken.MedianMs);
                Assert.Contains("not bit-exact", broken.Error);
                Assert.NotEqual("tensorcore-wrong-zero-point", report.Winner);
            }
            Assert.Equal(expected, actual);
            Assert.Contains(expected, v => v != expected[0]);
        }
        finally
        {
            TacticCandidates.ExtraForTests = null;
        }
    }

    [Fact]
    public void OnCpu_NoTensorCoreCandidateIsOffered()
    {
        var graph = TinyRepVgg();
        using var cpu = SessionFactory.Create(graph, new SessionOptions { Device = "cpu", Precision = Precision.Int8, Reparameterize = true });
        using var tuned = new InferenceSession(graph, Tuned("cpu", cpu.Quantization!));
        tuned.Run(RandomInput.Uniform(InputShape, 18));
        Assert.NotEmpty(tuned.TacticReports);
        Assert.All(tuned.TacticReports.Where(r => !r.FromCache), r => Assert.DoesNotContain(r.Candidates, c => c.Name == TensorCoreCandidates.Name));
    }

    // Int8Conv2dParams.InputZeroPoint in the flattened launch arguments.
    private const int InputZeroPoint = 24;

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
