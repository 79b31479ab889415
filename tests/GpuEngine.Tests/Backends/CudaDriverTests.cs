using System.Runtime.CompilerServices;
using System.Diagnostics;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// The cuda backend's start-up on machines with a driver but no usable GPU, with a stand-in libcuda.so.1 (a few
/// C functions built here with gcc) found through LD_LIBRARY_PATH by a child gpuengine process. Only the .so.1
/// name exists, as on driver-only installs, so ILGPU's own lookup (libcuda.so) fails and the engine's fallback
/// must hand it the file: the stand-in's cuDeviceGetCount being called by ILGPU proves it did.
/// </summary>
public class CudaDriverTests
{
    private const string StandIn = """
        #include <stdio.h>
        int cuInit(unsigned flags) { return INIT_RESULT; }
        int cuDeviceGetCount(int* count) { fprintf(stderr, "stand-in cuDeviceGetCount\n"); *count = 0; return 0; }
        int cuDriverGetVersion(int* version) { *version = 12040; return 0; }
        """;

    [LinuxWithGccFact]
    public void ADriverReportingNoDeviceIsNamedInOneLine()
    {
        var (output, error) = DevicesWithStandIn(initResult: 100);
        Assert.Matches(@"(?m)^cuda +unavailable +no CUDA GPU found \(cuInit: CUDA_ERROR_NO_DEVICE\)$", output);
        Assert.DoesNotContain("stand-in", error); // the engine stops at cuInit's answer
    }

    [LinuxWithGccFact]
    public void IlgpuFindsTheDriverUnderItsSoname1AndListsNoDevice()
    {
        var (output, error) = DevicesWithStandIn(initResult: 0);
        Assert.Matches(@"(?m)^cuda +unavailable +no CUDA GPU found \(the driver is installed but lists no device\)$", output);
        Assert.Contains("stand-in cuDeviceGetCount", error);
        Assert.Contains("— cuda unavailable: no CUDA GPU found", output);
    }

    private static (string Output, string Error) DevicesWithStandIn(int initResult)
    {
        string dir = Directory.CreateTempSubdirectory("gpuengine-fake-cuda-").FullName;
        try
        {
            string source = Path.Combine(dir, "fake.c");
            File.WriteAllText(source, StandIn);
            Run("gcc", ["-shared", "-fPIC", $"-DINIT_RESULT={initResult}", "-o", Path.Combine(dir, "libcuda.so.1"), source], null);
            return Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "gpuengine.dll"), "devices"], dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (string Output, string Error) Run(string program, string[] args, string? libraryPath)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (libraryPath is not null) start.Environment["LD_LIBRARY_PATH"] = libraryPath;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {output}{error.Result}");
        return (output, error.Result);
    }
}

/// <summary>A [Fact] needing Linux and gcc (to build a stand-in driver library); skipped with the reason elsewhere.</summary>
public sealed class LinuxWithGccFactAttribute : FactAttribute
{
    public LinuxWithGccFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux (LD_LIBRARY_PATH, a .so stand-in)";
        else if (!File.Exists("/usr/bin/gcc")) Skip = "needs gcc to build the stand-in libcuda.so.1";
        else if (DeviceAvailability.CudaDriverPresent) Skip = "a real CUDA driver is installed here; LD_LIBRARY_PATH would not override it reliably";
    }
}
