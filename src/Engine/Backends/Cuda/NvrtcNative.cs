using System.Runtime.InteropServices;

namespace GpuEngine.Backends.Cuda;

/// <summary>
/// NVRTC, the CUDA runtime compiler. Its soname carries the toolkit version (libnvrtc.so.12, libnvrtc.so.11.2 …)
/// and the unversioned name exists only with the toolkit's -dev files, so the library is opened by trying each
/// name, and its functions are bound as function pointers (a DllImport resolver is one per assembly, and other
/// parts of the engine may want theirs). All functions return an nvrtcResult (0 = NVRTC_SUCCESS).
/// </summary>
internal sealed unsafe class NvrtcNative
{
    /// <summary>Sonames tried in order: newest toolkit first.</summary>
    public static readonly string[] Sonames =
        ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.0", "libnvrtc.so.11.1", "libnvrtc.so"];

    public const int ErrorCompilation = 6;

    private NvrtcNative(nint library, string soname)
    {
        Soname = soname;
        Version = (delegate* unmanaged<int*, int*, int>)NativeLibrary.GetExport(library, "nvrtcVersion");
        CreateProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)NativeLibrary.GetExport(library, "nvrtcCreateProgram");
        CompileProgram = (delegate* unmanaged<nint, int, byte**, int>)NativeLibrary.GetExport(library, "nvrtcCompileProgram");
        DestroyProgram = (delegate* unmanaged<nint*, int>)NativeLibrary.GetExport(library, "nvrtcDestroyProgram");
        GetProgramLogSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibrary.GetExport(library, "nvrtcGetProgramLogSize");
        GetProgramLog = (delegate* unmanaged<nint, byte*, int>)NativeLibrary.GetExport(library, "nvrtcGetProgramLog");
        GetPtxSize = (delegate* unmanaged<nint, nuint*, int>)NativeLibrary.GetExport(library, "nvrtcGetPTXSize");
        GetPtx = (delegate* unmanaged<nint, byte*, int>)NativeLibrary.GetExport(library, "nvrtcGetPTX");
        GetErrorString = (delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(library, "nvrtcGetErrorString");
        // CUBIN output and the list of supported architectures came with CUDA 11.1 / 11.2: optional.
        if (NativeLibrary.TryGetExport(library, "nvrtcGetCUBINSize", out var cubinSize) && NativeLibrary.TryGetExport(library, "nvrtcGetCUBIN", out var cubin))
        {
            GetCubinSize = (delegate* unmanaged<nint, nuint*, int>)cubinSize;
            GetCubin = (delegate* unmanaged<nint, byte*, int>)cubin;
        }
        if (NativeLibrary.TryGetExport(library, "nvrtcGetNumSupportedArchs", out var num) && NativeLibrary.TryGetExport(library, "nvrtcGetSupportedArchs", out var archs))
        {
            GetNumSupportedArchs = (delegate* unmanaged<int*, int>)num;
            GetSupportedArchs = (delegate* unmanaged<int*, int>)archs;
        }
    }

    /// <summary>The soname that loaded.</summary>
    public string Soname { get; }

    public delegate* unmanaged<int*, int*, int> Version { get; }
    public delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> CreateProgram { get; }
    public delegate* unmanaged<nint, int, byte**, int> CompileProgram { get; }
    public delegate* unmanaged<nint*, int> DestroyProgram { get; }
    public delegate* unmanaged<nint, nuint*, int> GetProgramLogSize { get; }
    public delegate* unmanaged<nint, byte*, int> GetProgramLog { get; }
    public delegate* unmanaged<nint, nuint*, int> GetPtxSize { get; }
    public delegate* unmanaged<nint, byte*, int> GetPtx { get; }
    public delegate* unmanaged<nint, nuint*, int> GetCubinSize { get; }
    public delegate* unmanaged<nint, byte*, int> GetCubin { get; }
    public delegate* unmanaged<int*, int> GetNumSupportedArchs { get; }
    public delegate* unmanaged<int*, int> GetSupportedArchs { get; }
    public delegate* unmanaged<int, byte*> GetErrorString { get; }

    /// <summary>Opens the first NVRTC soname that loads, or returns null with the names tried in <paramref name="reason"/>.</summary>
    public static NvrtcNative? TryLoad(out string reason)
    {
        foreach (var soname in Sonames)
            if (NativeLibrary.TryLoad(soname, out var library))
            {
                reason = "";
                return new NvrtcNative(library, soname);
            }
        reason = $"NVRTC not found (tried {string.Join(", ", Sonames)}; install the CUDA toolkit's NVRTC, e.g. the cuda-nvrtc package)";
        return null;
    }

    /// <summary>"major.minor" of the loaded NVRTC.</summary>
    public string VersionText()
    {
        int major, minor;
        Check(Version(&major, &minor), "nvrtcVersion");
        return $"{major}.{minor}";
    }

    /// <summary>Architectures this NVRTC can target (e.g. 75, 80, 90), or null when it cannot say (before 11.2).</summary>
    public int[]? SupportedArchitectures()
    {
        if (GetNumSupportedArchs == null) return null;
        int count;
        if (GetNumSupportedArchs(&count) != 0 || count <= 0) return null;
        var archs = new int[count];
        fixed (int* a = archs) if (GetSupportedArchs(a) != 0) return null;
        return archs;
    }

    /// <summary>Throws a <see cref="CudaException"/> naming the call unless <paramref name="result"/> is NVRTC_SUCCESS.</summary>
    public void Check(int result, string call, string? context = null)
    {
        if (result == 0) return;
        string text = Marshal.PtrToStringUTF8((nint)GetErrorString(result)) ?? $"nvrtcResult {result}";
        throw new CudaException($"NVRTC {call} failed with {text} ({result}){(context is null ? "" : $" {context}")}", result);
    }
}
