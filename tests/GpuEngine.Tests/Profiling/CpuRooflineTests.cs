using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Ops;
using GpuEngine.Profiling.Measurement;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// Issue 17 item 4: on the cpu device the roofline's ceilings come from SIMD loops on all cores (the machine's rate),
/// not from the reference kernels, which interpret work items far below it; a cache from the old way is measured again.
/// </summary>
public class CpuRooflineTests
{
    [Fact]
    public void CpuCeilingsAreTheSimdLoopsAboveTheReferenceMatMulAndBelowTheHardwareBound()
    {
        using var backend = new CpuBackend();
        var roof = Roofline.Measure(backend, "cpu test device");
        Assert.Equal(CpuCeilings.Method, roof.Method);
        Assert.Contains("FMA", roof.Method);
        // No x86 core retires more than two 16-lane FMAs (64 FLOP) per cycle, and none runs at 6 GHz: a count of the
        // loop's FLOPs that is too high (or a loop the JIT dropped) lands above this.
        Assert.InRange(roof.PeakGflops, 5 * ReferenceMatMulGflops(backend), Environment.ProcessorCount * 64 * 6.0);
        Assert.InRange(roof.PeakGbps, 0.5, 2000);
    }

    [Fact]
    public void ACachedRooflineFromTheReferenceKernelsIsMeasuredAgainOnCpu()
    {
        var directory = Directory.CreateTempSubdirectory("gpuengine-roofline-").FullName;
        try
        {
            using var backend = new CpuBackend();
            var measured = Roofline.For(backend, directory);
            var file = Assert.Single(Directory.GetFiles(directory));
            // What an earlier build wrote: no Method (so the reference kernels'), ceilings far below the SIMD ones.
            File.WriteAllText(file, JsonSerializer.Serialize(new { measured.Device, PeakGbps = 0.25, PeakGflops = 0.5, CopyBytes = 1L << 18, MatMulSize = 64 }));
            var again = Roofline.For(backend, directory);
            Assert.Equal(CpuCeilings.Method, again.Method);
            Assert.True(again.PeakGflops > 0.5 && again.PeakGbps > 0.25, $"the old cache was returned: {again}");
            Assert.Equal(again, Roofline.For(backend, directory)); // and the new measurement is the cache now
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>GFLOP/s of the reference tiled matmul on the cpu backend at 64x64 (what the ceilings were before): best of 3.</summary>
    private static double ReferenceMatMulGflops(Backend backend)
    {
        const int Size = 64;
        const int Square = Size * Size;
        var values = new float[Square];
        for (int i = 0; i < Square; i++) values[i] = Random.Shared.NextSingle();
        using var a = backend.Allocate(4 * Square);
        using var b = backend.Allocate(4 * Square);
        using var c = backend.Allocate(4 * Square);
        backend.Upload(a, 0, MemoryMarshal.AsBytes(values.AsSpan()));
        backend.Upload(b, 0, MemoryMarshal.AsBytes(values.AsSpan()));
        int groups = Size / MatMulKernels.Tile;
        var grid = new LaunchGrid(new Dim3(MatMulKernels.Tile, MatMulKernels.Tile), new Dim3(groups, groups));
        KernelArgument[] args = [KernelArgument.View(a, 0, Square), KernelArgument.View(b, 0, Square), KernelArgument.View(c, 0, Square),
            KernelArgument.Int(Size), KernelArgument.Int(Size), KernelArgument.Int(Size)];
        double best = double.MaxValue;
        for (int r = 0; r < 4; r++)
        {
            long start = Stopwatch.GetTimestamp();
            backend.Launch(GeneratedKernels.MatMulKernels_MatMulTiled, grid, args);
            if (r > 0) best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * Square * Size / best / 1e9;
    }
}
