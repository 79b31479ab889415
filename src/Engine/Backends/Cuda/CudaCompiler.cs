using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.Cuda;

/// <summary>
/// Compiles CUDA C with NVRTC for one device and keeps the results on disk, keyed by a hash of
/// (source, options including defines and architecture, NVRTC version), under <see cref="CacheDirectory"/>/cuda.
/// A real architecture (sm_XY) gives a CUBIN, which loads without a JIT step and without the driver having to
/// understand a newer PTX; when this NVRTC cannot target the device, PTX for the newest architecture it knows
/// below the device is emitted and the driver JIT-compiles it.
/// </summary>
internal sealed unsafe class CudaCompiler(NvrtcNative nvrtc, int computeCapability)
{
    private readonly string _nvrtcVersion = nvrtc.VersionText();
    private readonly (string Architecture, bool Cubin) _target =
        Target(computeCapability, nvrtc.SupportedArchitectures(), nvrtc.GetCubin != null);

    /// <summary>The NVRTC in words, for the device description: "NVRTC 12.4 (libnvrtc.so.12), sm_90".</summary>
    public string Description => $"NVRTC {_nvrtcVersion} ({nvrtc.Soname}), {_target.Architecture}";

    /// <summary>The module image (CUBIN, or NUL-terminated PTX) for <paramref name="kernel"/> with <paramref name="defines"/>.</summary>
    public byte[] Compile(KernelDescriptor kernel, IReadOnlyList<string> defines)
    {
        // The generator no longer writes CUDA C: ILGPU's PTX backend replaces NVRTC (issue 11).
        throw new BackendUnavailableException("cuda", $"kernel '{kernel.Name}': the NVRTC path is being replaced by ILGPU's CUDA accelerator");
#pragma warning disable CS0162 // kept until the ILGPU cuda backend lands, then deleted with this file
        var options = Options(_target.Architecture, defines);
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{kernel.Name}\n{string.Join('\n', options)}\nnvrtc {_nvrtcVersion}")));
        string file = Path.Combine(CacheDirectory(Environment.GetEnvironmentVariable, HomeDirectory()), "cuda", key + (_target.Cubin ? ".cubin" : ".ptx"));
        if (TryRead(file) is { } cached) return cached;
        byte[] image = Run(kernel, options);
        TryWrite(file, image);
        return image;
#pragma warning restore CS0162
    }

    private byte[] Run(KernelDescriptor kernel, IReadOnlyList<string> options)
    {
        nint program;
        fixed (byte* source = Utf8(string.Empty))
        fixed (byte* name = Utf8(kernel.Name + ".cu"))
            nvrtc.Check(nvrtc.CreateProgram(&program, source, name, 0, null, null), "nvrtcCreateProgram", $"for kernel '{kernel.Name}'");
        try
        {
            var encoded = options.Select(Utf8).ToArray();
            var handles = encoded.Select(o => GCHandle.Alloc(o, GCHandleType.Pinned)).ToArray();
            int result;
            try
            {
                byte** pointers = stackalloc byte*[Math.Max(1, encoded.Length)];
                for (int i = 0; i < encoded.Length; i++) pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                result = nvrtc.CompileProgram(program, encoded.Length, pointers);
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
            if (result != 0)
                throw new CudaException($"NVRTC compilation of kernel '{kernel.Name}' failed ({string.Join(' ', options)}):\n{Log(program)}", result);
            return _target.Cubin ? Read(program, nvrtc.GetCubinSize, nvrtc.GetCubin, "nvrtcGetCUBIN") : Read(program, nvrtc.GetPtxSize, nvrtc.GetPtx, "nvrtcGetPTX");
        }
        finally
        {
            nvrtc.DestroyProgram(&program);
        }
    }

    private byte[] Read(nint program, delegate* unmanaged<nint, nuint*, int> size, delegate* unmanaged<nint, byte*, int> get, string call)
    {
        nuint bytes;
        nvrtc.Check(size(program, &bytes), call + "Size");
        var image = new byte[(int)bytes];
        fixed (byte* p = image) nvrtc.Check(get(program, p), call);
        return image;
    }

    private string Log(nint program)
    {
        nuint size;
        if (nvrtc.GetProgramLogSize(program, &size) != 0 || size <= 1) return "(no log)";
        var log = new byte[(int)size];
        fixed (byte* p = log) nvrtc.GetProgramLog(program, p);
        return Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
    }

    /// <summary>NVRTC options: target architecture, device code by default (no __device__ on helpers), one define per specialization.</summary>
    internal static IReadOnlyList<string> Options(string architecture, IReadOnlyList<string> defines) =>
        [$"--gpu-architecture={architecture}", "-default-device", .. defines.Select(d => "--define-macro=" + d)];

    /// <summary>
    /// sm_XY (CUBIN) when NVRTC supports the device's compute capability <paramref name="cc"/> (e.g. 90), else
    /// compute_XY (PTX) for the newest supported architecture below it; <paramref name="supported"/> null means "cannot ask".
    /// </summary>
    internal static (string Architecture, bool Cubin) Target(int cc, int[]? supported, bool hasCubin)
    {
        if (supported is null || supported.Contains(cc))
            return hasCubin ? ($"sm_{cc}", true) : ($"compute_{cc}", false);
        int[] lower = [.. supported.Where(a => a < cc)];
        if (lower.Length == 0)
            throw new CudaException($"this NVRTC targets sm_{supported.Min()} and newer; the device is sm_{cc} (use an older CUDA toolkit's NVRTC)");
        return ($"compute_{lower.Max()}", false);
    }

    /// <summary>
    /// $GPUENGINE_CACHE_DIR, else $XDG_CACHE_HOME/gpuengine, else ~/.cache/gpuengine.
    /// </summary>
    internal static string CacheDirectory(Func<string, string?> environment, string home)
    {
        if (environment("GPUENGINE_CACHE_DIR") is { Length: > 0 } explicitDir) return explicitDir;
        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "gpuengine");
        return Path.Combine(home, ".cache", "gpuengine");
    }

    // Not GetFolderPath: it answers "" for a home that does not exist, which would put the cache in the working directory.
    private static string HomeDirectory() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Path.GetTempPath();

    private static byte[]? TryRead(string file)
    {
        try { return File.Exists(file) ? File.ReadAllBytes(file) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    // The disk cache is an optimization: an unwritable directory must not stop a run. Write-then-rename keeps a
    // concurrent reader from seeing half a file.
    private static void TryWrite(string file, byte[] image)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            string temp = $"{file}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, image);
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
