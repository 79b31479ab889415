using System.Collections;
using GpuEngine.Ir;

namespace GpuEngine.Tests.Loading;

using Graph = GpuEngine.Ir.Graph;

/// <summary>Temporary directories and small helpers shared by the loader tests.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gpuengine-tests-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class TestData
{
    /// <summary>The repository root (where GpuEngine.sln is), found from the test binaries.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "GpuEngine.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("GpuEngine.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static Tensor Floats(TensorShape shape, int seed)
    {
        var rng = new Random(seed);
        var data = new float[shape.Elements];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromFloats(shape, data);
    }

    public static void AssertSameWeights(Graph expected, Graph actual)
    {
        Assert.Equal(expected.Weights.Keys.Order(), actual.Weights.Keys.Order());
        foreach (var (name, t) in expected.Weights)
        {
            Assert.Equal(t.Shape, actual.Weights[name].Shape);
            Assert.Equal(t.DataType, actual.Weights[name].DataType);
            Assert.True(StructuralComparisons.StructuralEqualityComparer.Equals(t.Data, actual.Weights[name].Data), $"weights of '{name}' differ");
        }
    }
}
