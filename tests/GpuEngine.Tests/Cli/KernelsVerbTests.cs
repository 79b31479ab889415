using System.Runtime.CompilerServices;
using System.Text.Json;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Cli;

/// <summary>A fact skipped while no generated kernel has an ILGPU method (branch ptx, before the ILGPU kernels land).</summary>
public sealed class IlgpuKernelsFactAttribute : FactAttribute
{
    public IlgpuKernelsFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!GeneratedKernels.All.Any(k => k.Method is not null)) Skip = "no kernel in GeneratedKernels has an ILGPU method yet";
    }
}

public class KernelsVerbTests
{
    [Fact]
    public void Lists_EveryKernel_WithTheSpecializationsAModelLaunches()
    {
        var (exit, output, error) = Gpuengine.Run("kernels", "--models", "repvgg-n1", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("kernels").EnumerateArray().ToList();
        var entries = rows.Select(r => r.GetProperty("kernel").GetString()).ToHashSet();
        Assert.All(GeneratedKernels.All, k => Assert.Contains(k.EntryPoint, entries));
        // RepVGG deploy: every conv is 3x3 + ReLU; int8 runs it fused and addsum.
        Assert.Contains(rows, r => r.GetProperty("kernel").GetString() == "Conv2dKernels_Conv2d" && r.GetProperty("specialization").GetString() == "activation-1");
        Assert.Contains(rows, r => r.GetProperty("kernel").GetString() == "Int8Conv2dKernels_Int8Conv2d" && r.GetProperty("specialization").GetString() == "mode-1");
        Assert.Equal("repvgg-n1", doc.RootElement.GetProperty("models").GetString());
    }

    [Fact]
    public void BadArch_IsOneLineNamingTheValidOnes_Exit2()
    {
        var (exit, _, error) = Gpuengine.Run("kernels", "--arch", "sm_86");
        Assert.Equal(2, exit);
        Assert.Equal("gpuengine: error: --arch 'sm_86' is not one of sm_80, sm_90", error.Trim());
    }

    [IlgpuKernelsFact]
    public void Ptx_WritesOneFilePerVariant_AndNeverOverwritesWithoutForce()
    {
        string dir = Directory.CreateTempSubdirectory("gpuengine-kernels-").FullName;
        var (exit, output, error) = Gpuengine.Run("kernels", "--models", "repvgg-n1", "--ptx", dir, "--arch", "sm_80", "--format", "csv");
        Assert.True(exit == 0, error);
        var files = Directory.GetFiles(dir, "*.ptx");
        Assert.Contains(Path.Combine(dir, "Conv2dKernels_Conv2d.activation-1.sm_80.ptx"), files);
        Assert.All(files, f => Assert.Contains(".entry", File.ReadAllText(f)));
        Assert.Equal(files.Length, output.Trim().Split('\n').Length - 1);
        var again = Gpuengine.Run("kernels", "--models", "repvgg-n1", "--ptx", dir, "--arch", "sm_80");
        Assert.Equal(2, again.Exit);
        Assert.Contains("already exists; pass --force", again.Error);
        Assert.Equal(0, Gpuengine.Run("kernels", "--models", "repvgg-n1", "--ptx", dir, "--arch", "sm_80", "--force").Exit);
    }
}
