using System.Security.Cryptography;
using System.Text;
using GpuEngine.Kernels;

namespace GpuEngine.Backends.OpenCl;

/// <summary>
/// Builds OpenCL C programs and keeps them in memory per (source hash, defines), so each specialization
/// is built once per backend. PoCL keeps its own on-disk cache (POCL_CACHE_DIR), which makes a rebuild in a
/// later process cheap; this cache saves even that. Owned by <see cref="OpenClBackend"/>; Dispose releases every program.
/// </summary>
internal sealed unsafe class OpenClCompiler(nint context, nint device) : IDisposable
{
    private readonly Dictionary<(string Hash, string Options, string Entry), OpenClKernel> _kernels = [];
    private readonly Dictionary<(string Hash, string Options), nint> _programs = [];

    /// <summary>How many programs were built (not found in the cache): lets tests see that variants are cached.</summary>
    public int BuildCount { get; private set; }

    /// <summary>The kernel object for <paramref name="kernel"/> compiled with <paramref name="defines"/>, built on first use.</summary>
    public OpenClKernel GetKernel(KernelDescriptor kernel, IReadOnlyList<string> defines)
    {
        string hash = Hash(kernel.OpenClSource);
        string options = string.Join(' ', defines.Select(d => "-D " + d));
        if (_kernels.TryGetValue((hash, options, kernel.EntryPoint), out var cached)) return cached;
        if (!_programs.TryGetValue((hash, options), out var program))
        {
            program = Build(kernel, options);
            _programs[(hash, options)] = program;
        }
        int error;
        nint handle;
        fixed (byte* name = NullTerminated(kernel.EntryPoint)) handle = OpenClNative.clCreateKernel(program, name, &error);
        OpenClException.Check(error, "clCreateKernel", $"for kernel '{kernel.Name}' (entry point '{kernel.EntryPoint}')");
        var created = new OpenClKernel(kernel, handle);
        _kernels[(hash, options, kernel.EntryPoint)] = created;
        return created;
    }

    private nint Build(KernelDescriptor kernel, string options)
    {
        if (string.IsNullOrWhiteSpace(kernel.OpenClSource))
            throw new OpenClException($"kernel '{kernel.Name}' has no OpenCL source");
        byte[] source = Encoding.UTF8.GetBytes(kernel.OpenClSource);
        int error;
        nint program;
        fixed (byte* s = source)
        {
            byte* strings = s;
            nuint length = (nuint)source.Length;
            program = OpenClNative.clCreateProgramWithSource(context, 1, &strings, &length, &error);
        }
        OpenClException.Check(error, "clCreateProgramWithSource", $"for kernel '{kernel.Name}'");
        nint dev = device;
        int status;
        fixed (byte* o = NullTerminated(options)) status = OpenClNative.clBuildProgram(program, 1, &dev, o, 0, 0);
        if (status != OpenClNative.Success)
        {
            string log = BuildLog(program);
            OpenClNative.clReleaseProgram(program);
            throw new OpenClException(
                $"OpenCL build of kernel '{kernel.Name}' failed with {OpenClException.Name(status)} ({status})" +
                $"{(options.Length > 0 ? $", options '{options}'" : "")}:\n{log}", status);
        }
        BuildCount++;
        return program;
    }

    private string BuildLog(nint program)
    {
        nuint size;
        if (OpenClNative.clGetProgramBuildInfo(program, device, OpenClNative.ProgramBuildLog, 0, null, &size) != 0 || size == 0)
            return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) OpenClNative.clGetProgramBuildInfo(program, device, OpenClNative.ProgramBuildLog, size, p, null);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string Hash(string source) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    internal static byte[] NullTerminated(string text) => Encoding.UTF8.GetBytes(text + "\0");

    public void Dispose()
    {
        foreach (var k in _kernels.Values) k.Dispose();
        foreach (var p in _programs.Values) OpenClNative.clReleaseProgram(p);
        _kernels.Clear();
        _programs.Clear();
    }
}
