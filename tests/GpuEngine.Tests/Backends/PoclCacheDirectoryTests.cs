using System.Diagnostics;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// PoCL fails device discovery when its cache directory cannot be created; the backend then points POCL_CACHE_DIR at
/// a temp directory. Checked in a child process, since PoCL reads the variable once per process.
/// </summary>
public class PoclCacheDirectoryTests
{
    [Fact]
    public void OpenClStartsEvenWhenTheHomeCacheIsNotWritable()
    {
        DeviceAvailability.Require("opencl");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "gpuengine.dll"), "devices"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("POCL_CACHE_DIR");
        start.Environment.Remove("XDG_CACHE_HOME");
        start.Environment["HOME"] = "/proc/gpuengine-no-such-home"; // nothing can be created under /proc, not even by root
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output + process.StandardError.ReadToEnd());
        Assert.Matches(@"opencl\s+available", output);
    }
}
