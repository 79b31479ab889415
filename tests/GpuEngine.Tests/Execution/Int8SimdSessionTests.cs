using GpuEngine.Sessions;
using GpuEngine.Backends.Cpu.Simd;
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
/// Whole models in int8 on the cpu: the SIMD tactics (the fixed choice) against the same quantized model run on the
/// reference kernels (SIMD forced off), logits bit-identical, on every int8 path the cpu has.
/// </summary>
public sealed class Int8SimdSessionTests
{
    public static TheoryData<string, Int8SimdPath> ModelsAndPaths()
    {
        var data = new TheoryData<string, Int8SimdPath>();
        foreach (var model in new[] { "repvgg-n1", "mobilenet_v2" })
            foreach (var path in new[] { Int8SimdPath.Avx2, Int8SimdPath.AvxVnni })
                data.Add(model, path);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndPaths))]
    public void Int8Logits_AreBitIdenticalToTheReferenceKernels(string model, Int8SimdPath path)
    {
        if (path > Int8Simd.Widest) Assert.Skip($"this cpu has no {path} (widest: {Int8Simd.Widest})");
        var shape = new TensorShape(2, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, shape, 10), 7);
        var input = RandomInput.Uniform(shape, 8);
        var options = new SessionOptions { Device = "cpu", Precision = Precision.Int8 };
        InferenceSession reference, simd;
        using (Int8Simd.Force(Int8SimdPath.None)) reference = SessionFactory.Create(graph, options);
        using (reference)
        {
            Assert.DoesNotContain(reference.Launches, l => l.Kernel.Name.StartsWith("Int8", StringComparison.Ordinal) && l.Kernel.Name.EndsWith("Simd", StringComparison.Ordinal));
            using (Int8Simd.Force(path)) simd = new InferenceSession(graph, options with { Quantization = reference.Quantization });
            using (simd)
            {
                var names = simd.Launches.Select(l => l.Kernel.Name).ToHashSet();
                Assert.Contains("Int8Conv2dSimd", names);
                Assert.Contains("Int8LinearSimd", names);
                Assert.Contains("Int8GlobalAvgPoolSimd", names);
                Assert.DoesNotContain(GeneratedKernels.Int8Conv2dKernels_Int8Conv2d.Name, names);
                var expected = reference.Run(input).Floats.ToArray();
                Assert.Contains(expected, v => v != expected[0]);
                Assert.Equal(expected, simd.Run(input).Floats.ToArray());
                // A second run replays the bound launches over the same packed weights.
                Assert.Equal(expected, simd.Run(input).Floats.ToArray());
            }
        }
    }

    /// <summary>Tuned: the int8 SIMD candidates are validated bit-exact against the reference (none rejected) and timed.</summary>
    [Fact]
    public void Tuned_ValidatesTheInt8SimdCandidates()
    {
        if (Int8Simd.Widest == Int8SimdPath.None) Assert.Skip("this cpu has no AVX2");
        var shape = new TensorShape(1, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", shape, 10), 3);
        var directory = Directory.CreateTempSubdirectory("gpue-int8-simd-").FullName;
        try
        {
            var options = new SessionOptions
            {
                Device = "cpu", Precision = Precision.Int8, Tactics = TacticMode.Tuned, TacticCache = new TacticCache(Path.Combine(directory, "t.json")),
            };
            using var session = SessionFactory.Create(graph, options);
            session.Run(RandomInput.Uniform(shape, 4));
            var measured = session.TacticReports.Where(r => !r.FromCache).ToList();
            Assert.Contains(measured, r => r.Key.StartsWith(GeneratedKernels.Int8Conv2dKernels_Int8Conv2d.Name, StringComparison.Ordinal));
            Assert.Contains(measured, r => r.Key.StartsWith(GeneratedKernels.Int8LinearKernels_Int8Linear.Name, StringComparison.Ordinal));
            foreach (var report in measured)
            {
                var simd = report.Candidates.Single(c => c.Name == "simd");
                Assert.True(simd.Error is null, $"{report.Layer}: {simd.Error}");
                Assert.NotNull(simd.MedianMs);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
