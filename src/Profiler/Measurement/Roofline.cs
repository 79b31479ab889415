using System.Runtime.InteropServices;
using System.Text.Json;
using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Execution;
using GpuEngine.Kernels;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The device's two ceilings, measured by the engine's own code (so they are what this engine can reach, not the
/// vendor's datasheet). On GPU devices: copy bandwidth from ReLU over a large buffer (read 4 B + write 4 B per element)
/// and arithmetic rate from the tiled matrix multiply (2·m·n·k FLOPs), best of a few runs timed with device events like
/// the profile. On the cpu device, whose reference kernels interpret work items far below the machine's rate: the SIMD
/// FMA loop and vector copy of <see cref="CpuCeilings"/> on all cores. <see cref="Method"/> says which. Measured once
/// per device and cached as JSON under the user's cache directory.
/// </summary>
public sealed record Roofline(string Device, double PeakGbps, double PeakGflops, long CopyBytes, int MatMulSize, string Method = Roofline.KernelMethod)
{
    /// <summary>The <see cref="Method"/> of the GPU devices' ceilings.</summary>
    public const string KernelMethod = "the engine's ReLU (copy) and tiled matmul kernels";

    /// <summary>FLOP per byte where the two ceilings meet: kernels left of it are bound by memory.</summary>
    public double RidgeIntensity => PeakGflops / PeakGbps;

    /// <summary>The best rate (GFLOP/s) a kernel of this arithmetic intensity (FLOP/byte) can reach.</summary>
    public double Attainable(double intensity) => Math.Min(PeakGflops, intensity * PeakGbps);

    /// <summary>The ceilings of the device <paramref name="session"/> runs on (see <see cref="For(Backend, string?)"/>).</summary>
    public static Roofline For(InferenceSession session, string? cacheDirectory = null) => For(session.Backend, cacheDirectory);

    /// <summary>The cached ceilings of the backend's device, measured now when there are none.</summary>
    public static Roofline For(Backend backend, string? cacheDirectory = null)
    {
        var device = $"{backend.Name}: {backend.DeviceDescription}";
        cacheDirectory ??= DefaultCacheDirectory();
        var file = Path.Combine(cacheDirectory, $"roofline-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(device)))[..16]}.json");
        if (File.Exists(file))
        {
            var cached = JsonSerializer.Deserialize<Roofline>(File.ReadAllText(file));
            // A cache written by an older way of measuring (the cpu's reference kernels) is measured again.
            if (cached is not null && cached.Device == device && cached.Method == MethodFor(backend)) return cached;
        }
        var measured = Measure(backend, device);
        GpuEngine.IO.SafeFile.WriteText(file, force: true, w => w.Write(JsonSerializer.Serialize(measured)));
        return measured;
    }

    /// <summary>$XDG_CACHE_HOME/gpuengine, else ~/.cache/gpuengine.</summary>
    public static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "gpuengine");
    }

    private static string MethodFor(Backend backend) => backend is CpuBackend ? CpuCeilings.Method : KernelMethod;

    /// <summary>Runs both benchmarks: on the cpu device its SIMD loops, elsewhere the kernels, sized to the backend.</summary>
    public static Roofline Measure(Backend backend, string device)
    {
        if (backend is CpuBackend)
        {
            var (gbps, gflops) = CpuCeilings.Measure();
            return new Roofline(device, gbps, gflops, 2 * CpuCeilings.CopyBytes, 0, CpuCeilings.Method);
        }
        var (elements, size) = backend.Name switch { "cuda" => (1 << 26, 2048), "opencl" => (1 << 22, 256), _ => (1 << 16, 64) };
        double copyMs, matMulMs;
        using (var a = backend.Allocate(4L * elements))
        using (var b = backend.Allocate(4L * elements))
        {
            Fill(backend, a, elements);
            KernelArgument[] args = [KernelArgument.View(a, 0, elements), KernelArgument.View(b, 0, elements), KernelArgument.Int(elements)];
            copyMs = Best(backend, GeneratedKernels.ActivationKernels_Relu, LaunchGrid.Linear(elements), args);
        }
        long square = (long)size * size;
        using (var a = backend.Allocate(4 * square))
        using (var b = backend.Allocate(4 * square))
        using (var c = backend.Allocate(4 * square))
        {
            Fill(backend, a, (int)square);
            Fill(backend, b, (int)square);
            int groups = (size + Kernels.Ops.MatMulKernels.Tile - 1) / Kernels.Ops.MatMulKernels.Tile;
            var grid = new LaunchGrid(new Dim3(Kernels.Ops.MatMulKernels.Tile, Kernels.Ops.MatMulKernels.Tile), new Dim3(groups, groups));
            KernelArgument[] args = [KernelArgument.View(a, 0, square), KernelArgument.View(b, 0, square), KernelArgument.View(c, 0, square),
                KernelArgument.Int(size), KernelArgument.Int(size), KernelArgument.Int(size)];
            matMulMs = Best(backend, GeneratedKernels.MatMulKernels_MatMulTiled, grid, args);
        }
        return new Roofline(device, 8.0 * elements / copyMs / 1e6, 2.0 * square * size / matMulMs / 1e6, 8L * elements, size);
    }

    /// <summary>The shortest of a few device-timed runs after one warm-up (which also compiles the kernel).</summary>
    private static double Best(Backend backend, KernelDescriptor kernel, LaunchGrid grid, KernelArgument[] args)
    {
        backend.Launch(kernel, grid, args);
        backend.Synchronize();
        double best = double.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            using var start = backend.RecordEvent();
            backend.Launch(kernel, grid, args);
            using var end = backend.RecordEvent();
            best = Math.Min(best, backend.ElapsedMilliseconds(start, end));
        }
        return Math.Max(best, 1e-6);
    }

    private static void Fill(Backend backend, DeviceBuffer buffer, int elements)
    {
        var values = new float[elements];
        for (int i = 0; i < elements; i++) values[i] = (i % 17) - 8;
        backend.Upload(buffer, 0, MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
