using System.Runtime.CompilerServices;
using System.Diagnostics;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>A fact skipped with a reason where clang-19 is not on PATH (CI: apt-get install clang-19).</summary>
public sealed class Clang19FactAttribute : FactAttribute
{
    public Clang19FactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!DeviceCodeCompileTests.ClangAvailable) Skip = "clang-19 not found on PATH (apt-get install clang-19)";
    }
}

/// <summary>
/// Every generated kernel's OpenCL C passes clang-19's OpenCL 1.2 front end, as the plain build and as the counting
/// build (-D GPUE_COUNT_BYTES). Running them needs a device; this catches translation errors on every build.
/// (The CUDA path is ILGPU's PTX backend now, checked by the PTX tests.)
/// </summary>
public class DeviceCodeCompileTests
{
    internal static bool ClangAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "clang-19")));

    private static readonly bool[] Builds = [false, true];

    [Clang19Fact]
    public void OpenClSources_PassClangFrontEnd()
    {
        string dir = Directory.CreateTempSubdirectory("gpuengine-cl-").FullName;
        foreach (var kernel in GeneratedKernels.All)
            foreach (bool counting in Builds)
            {
                string source = Path.Combine(dir, kernel.EntryPoint + (counting ? ".counting" : "") + ".cl");
                File.WriteAllText(source, kernel.OpenClSource);
                Clang(["-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-fsyntax-only", .. Defines(kernel, counting), source]);
            }
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Specialized scalars become -D defines, as the backends pass them; the counting build adds GPUE_COUNT_BYTES.</summary>
    private static IEnumerable<string> Defines(KernelDescriptor kernel, bool counting) =>
        kernel.Parameters.Where(p => p.Specialized).Select(p => $"-D{KernelDescriptor.SpecializedMacro(p.Name)}=1").Concat(counting ? ["-DGPUE_COUNT_BYTES"] : []);

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
