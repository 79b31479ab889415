using System.Diagnostics;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>A fact skipped with a reason where clang-19 is not on PATH (CI: apt-get install clang-19).</summary>
public sealed class Clang19FactAttribute : FactAttribute
{
    public Clang19FactAttribute()
    {
        if (!DeviceCodeCompileTests.ClangAvailable) Skip = "clang-19 not found on PATH (apt-get install clang-19)";
    }
}

/// <summary>
/// Every generated kernel's CUDA C compiles to PTX for sm_90 with clang-19 (no CUDA toolkit needed), and its
/// OpenCL C passes clang-19's OpenCL 1.2 front end. Running them needs a device; this catches translation errors on every build.
/// </summary>
public class DeviceCodeCompileTests
{
    internal static bool ClangAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "clang-19")));

    [Clang19Fact]
    public void CudaSources_CompileToPtx()
    {
        string dir = Directory.CreateTempSubdirectory("gpuengine-ptx-").FullName;
        foreach (var kernel in GeneratedKernels.All)
        {
            string source = Path.Combine(dir, kernel.EntryPoint + ".cu"), ptx = Path.Combine(dir, kernel.EntryPoint + ".ptx");
            File.WriteAllText(source, kernel.CudaSource);
            Clang(["-x", "cuda", "--cuda-device-only", "--cuda-gpu-arch=sm_90", "-nocudainc", "-nocudalib", "-O3", "-S", .. Defines(kernel), "-o", ptx, source]);
            string text = File.ReadAllText(ptx);
            Assert.Contains(".entry " + kernel.EntryPoint, text);
            if (kernel.CudaSource.Contains("__dp4a(", StringComparison.Ordinal) && kernel.Name.Contains("Dp4a", StringComparison.Ordinal))
                Assert.Contains("dp4a.s32.s32", text);
        }
        Directory.Delete(dir, recursive: true);
    }

    [Clang19Fact]
    public void OpenClSources_PassClangFrontEnd()
    {
        string dir = Directory.CreateTempSubdirectory("gpuengine-cl-").FullName;
        foreach (var kernel in GeneratedKernels.All)
        {
            string source = Path.Combine(dir, kernel.EntryPoint + ".cl");
            File.WriteAllText(source, kernel.OpenClSource);
            Clang(["-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-fsyntax-only", .. Defines(kernel), source]);
        }
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Specialized scalars become -D defines, as the backends pass them.</summary>
    private static IEnumerable<string> Defines(KernelDescriptor kernel) =>
        kernel.Parameters.Where(p => p.Specialized).Select(p => $"-D{p.Name}=1");

    private static void Clang(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("clang-19") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"clang-19 {string.Join(' ', start.ArgumentList)} failed:\n{errors}");
    }
}
