using System.Runtime.InteropServices;

namespace GpuEngine.Backends.OpenCl;

/// <summary>
/// Makes PoCL's kernel cache directory writable before the first OpenCL call. PoCL caches compiled kernels under
/// $POCL_CACHE_DIR, else $XDG_CACHE_HOME/pocl, else ~/.cache/pocl; when that directory cannot be created,
/// clGetDeviceIDs fails with CL_DEVICE_NOT_FOUND (-1) and only POCL_DEBUG=all says why. Sandboxes, CI
/// containers and read-only homes hit this, so when the variable is unset and the default is not writable we
/// point it at a private temp directory. Other OpenCL drivers ignore the variable.
/// </summary>
internal static partial class PoclCacheDirectory
{
    private static readonly Lock Gate = new();
    private static bool _done;

    /// <summary>The directory chosen by <see cref="EnsureWritable"/>, or null when PoCL's own default was kept.</summary>
    public static string? Override { get; private set; }

    /// <summary>Sets POCL_CACHE_DIR to a temp directory when unset and the default is not writable. Idempotent.</summary>
    public static void EnsureWritable()
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POCL_CACHE_DIR"))) return;
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            // $HOME as PoCL reads it: GetFolderPath answers "" for a home that does not exist, which would
            // make the probe below test a relative path in the working directory instead.
            string? home = Environment.GetEnvironmentVariable("HOME");
            string? root = !string.IsNullOrEmpty(xdg) ? xdg : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache") : null;
            if (root is not null && IsWritable(Path.Combine(root, "pocl"))) return;
            string fallback = Path.Combine(Path.GetTempPath(), $"gpuengine-pocl-{Environment.UserName}");
            Directory.CreateDirectory(fallback);
            Set("POCL_CACHE_DIR", fallback);
            Override = fallback;
        }
    }

    private static bool IsWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".gpuengine-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // .NET keeps its own copy of the environment on Unix: Environment.SetEnvironmentVariable is not seen by
    // native getenv, which is what PoCL reads. setenv changes the process environment itself.
    private static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows()) setenv(name, value, 1);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
