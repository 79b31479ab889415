using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Backends.Ilgpu;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Backends;

/// <summary>
/// What every ILGPU backend must do, written once and run by <see cref="IlgpuBackendTests"/> on ilgpu-cpu (always) and
/// cuda (where a GPU is present), against plain float64 and integer loops.
/// </summary>
internal static class IlgpuBackendChecks
{
    public static void UploadAndDownloadRoundTripAtOffsets(Backend backend)
    {
        using var buffer = backend.Allocate(64);
        backend.Upload(buffer, 0, new byte[64]);
        byte[] data = [.. Enumerable.Range(1, 20).Select(i => (byte)i)];
        backend.Upload(buffer, 13, data);
        var back = new byte[24];
        backend.Download(buffer, 11, back);
        Assert.Equal(data, back[2..22]);
        Assert.Equal(0, back[0] | back[1] | back[22] | back[23]);
    }

    /// <summary>Random inputs at view offsets, a partial last group; result and group sums against a float64 loop.</summary>
    public static void SaxpyGroupSumMatchesFloat64(Backend backend, int n, int seed)
    {
        const int xOffset = 3, resultOffset = 5;
        int groups = (n + IlgpuTestKernels.GroupSize - 1) / IlgpuTestKernels.GroupSize;
        var random = new Random(seed);
        float[] x = RandomFloats(random, n + xOffset), y = RandomFloats(random, n);
        float a = (float)(random.NextDouble() * 4 - 2);
        using var xb = backend.Allocate((n + xOffset) * 4L);
        using var yb = backend.Allocate(n * 4L);
        using var rb = backend.Allocate((n + resultOffset + 2) * 4L);
        using var sb = backend.Allocate(groups * 4L);
        backend.Upload(xb, 0, MemoryMarshal.AsBytes(x.AsSpan()));
        backend.Upload(yb, 0, MemoryMarshal.AsBytes(y.AsSpan()));
        backend.Launch(IlgpuTestKernels.SaxpyGroupSumKernel, new LaunchGrid(new Dim3(IlgpuTestKernels.GroupSize), new Dim3(groups)),
            [KernelArgument.View(xb, xOffset * 4, n), KernelArgument.View(yb, 0, n), KernelArgument.View(rb, resultOffset * 4, n),
             KernelArgument.View(sb, 0, groups), KernelArgument.Float(a)]);
        var result = new float[n];
        var sums = new float[groups];
        backend.Download(rb, resultOffset * 4, MemoryMarshal.AsBytes(result.AsSpan()));
        backend.Download(sb, 0, MemoryMarshal.AsBytes(sums.AsSpan()));
        for (int g = 0; g < groups; g++)
        {
            double expectedSum = 0;
            for (int i = g * IlgpuTestKernels.GroupSize; i < Math.Min(n, (g + 1) * IlgpuTestKernels.GroupSize); i++)
            {
                double expected = (double)a * x[xOffset + i] + y[i];
                Assert.True(Math.Abs(expected - result[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"result[{i}] = {result[i]}, expected {expected}");
                expectedSum += expected;
            }
            Assert.True(Math.Abs(expectedSum - sums[g]) <= 1e-4 * Math.Max(1, Math.Abs(expectedSum)), $"sums[{g}] = {sums[g]}, expected {expectedSum}");
        }
    }

    /// <summary>A parameter struct and a specialized value: three launches, two factors, one load of the kernel.</summary>
    public static void SpecializedFactorAndParameterStruct(IlgpuBackend backend)
    {
        const int n = 300;
        var x = new sbyte[n];
        new Random(3).NextBytes(MemoryMarshal.AsBytes(x.AsSpan()));
        using var xb = backend.Allocate(n + 1);
        using var yb = backend.Allocate(n * 4L);
        backend.Upload(xb, 1, MemoryMarshal.AsBytes(x.AsSpan()));
        int before = backend.LoadedKernelCount;
        foreach (int factor in new[] { 3, -5, 3 })
        {
            backend.Launch(IlgpuTestKernels.AffineKernel, new LaunchGrid(new Dim3(32), new Dim3(4)),
                [KernelArgument.View(xb, 1, n), KernelArgument.View(yb, 0, n), KernelArgument.Int(n), KernelArgument.Int(11), KernelArgument.Int(factor)]);
            var y = new int[n];
            backend.Download(yb, 0, MemoryMarshal.AsBytes(y.AsSpan()));
            for (int i = 0; i < n; i++) Assert.Equal(x[i] * factor + 11, y[i]);
        }
        Assert.Equal(1, backend.LoadedKernelCount - before);
    }

    /// <summary>Zero-length views (at a buffer's end, too) launch without touching memory.</summary>
    public static void EmptyViewsLaunch(Backend backend)
    {
        using var buffer = backend.Allocate(16);
        backend.Launch(IlgpuTestKernels.AffineKernel, new LaunchGrid(new Dim3(32), new Dim3(1)),
            [KernelArgument.View(buffer, 16, 0), KernelArgument.View(buffer, 16, 0), KernelArgument.Int(0), KernelArgument.Int(1), KernelArgument.Int(2)]);
        backend.Synchronize();
    }

    /// <summary>The counting variant gives the hand-computed bytes and the same results as the plain launch.</summary>
    public static void CountingLaunchGivesTheHandComputedBytes(IlgpuBackend backend)
    {
        const int n = 1000, groups = (n + IlgpuTestKernels.GroupSize - 1) / IlgpuTestKernels.GroupSize;
        var x = RandomFloats(new Random(4), n);
        using var xb = backend.Allocate(n * 4L);
        using var rb = backend.Allocate(n * 4L);
        using var sb = backend.Allocate(groups * 4L);
        backend.Upload(xb, 0, MemoryMarshal.AsBytes(x.AsSpan()));
        var grid = new LaunchGrid(new Dim3(IlgpuTestKernels.GroupSize), new Dim3(groups));
        KernelArgument[] args = [KernelArgument.View(xb, 0, n), KernelArgument.View(xb, 0, n), KernelArgument.View(rb, 0, n), KernelArgument.View(sb, 0, groups), KernelArgument.Float(2f)];
        backend.Launch(IlgpuTestKernels.SaxpyGroupSumKernel, grid, args);
        var plain = new byte[groups * 4];
        backend.Download(sb, 0, plain);
        int before = backend.LoadedKernelCount;
        Assert.Equal(IlgpuTestKernels.SaxpyGroupSumBytes(n, groups), backend.LaunchCounting(IlgpuTestKernels.SaxpyGroupSumKernel, grid, args));
        Assert.Equal(IlgpuTestKernels.SaxpyGroupSumBytes(n, groups), backend.LaunchCounting(IlgpuTestKernels.SaxpyGroupSumKernel, grid, args));
        Assert.Equal(1, backend.LoadedKernelCount - before);
        var counted = new byte[groups * 4];
        backend.Download(sb, 0, counted);
        Assert.Equal(plain, counted);
        Assert.Equal(0, backend.LaunchCounting(IlgpuTestKernels.SaxpyGroupSumKernel, new LaunchGrid(new Dim3(64), new Dim3(0)), args));
    }

    public static void EventsGiveANonNegativeTime(Backend backend, int n)
    {
        int groups = (n + IlgpuTestKernels.GroupSize - 1) / IlgpuTestKernels.GroupSize;
        using var buffer = backend.Allocate(n * 4L);
        using var sums = backend.Allocate(groups * 4L);
        KernelArgument[] args = [KernelArgument.View(buffer, 0, n), KernelArgument.View(buffer, 0, n), KernelArgument.View(buffer, 0, n), KernelArgument.View(sums, 0, groups), KernelArgument.Float(1f)];
        var grid = new LaunchGrid(new Dim3(IlgpuTestKernels.GroupSize), new Dim3(groups));
        backend.Launch(IlgpuTestKernels.SaxpyGroupSumKernel, grid, args);
        using var start = backend.RecordEvent();
        backend.Launch(IlgpuTestKernels.SaxpyGroupSumKernel, grid, args);
        using var end = backend.RecordEvent();
        double ms = backend.ElapsedMilliseconds(start, end);
        Assert.InRange(ms, 0, 60_000);
    }

    /// <summary>No ILGPU form: Supports says so, Launch names the kernel.</summary>
    public static void KernelWithoutIlgpuFormIsRefusedByName(Backend backend)
    {
        Assert.False(backend.Supports(IlgpuTestKernels.WithoutIlgpu));
        Assert.True(backend.Supports(IlgpuTestKernels.SaxpyGroupSumKernel));
        using var buffer = backend.Allocate(16);
        var e = Assert.Throws<NotSupportedException>(() => backend.Launch(IlgpuTestKernels.WithoutIlgpu, LaunchGrid.Linear(4, 4), [KernelArgument.View(buffer, 0, 4)]));
        Assert.Contains("'NoIlgpuForm'", e.Message);
        Assert.Contains(backend.Name, e.Message);
    }

    /// <summary>ILGPU's compile errors become one line naming the kernel.</summary>
    public static void CompileErrorNamesTheKernel(Backend backend)
    {
        using var buffer = backend.Allocate(16);
        var e = Assert.ThrowsAny<GpuEngineException>(() => backend.Launch(IlgpuTestKernels.Uncompilable, LaunchGrid.Linear(4, 4), [KernelArgument.View(buffer, 0, 4)]));
        Assert.Contains("'Uncompilable'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>A float view at a byte offset that is no multiple of 4, and a buffer of another backend, are argument errors.</summary>
    public static void BadViewsAreArgumentErrors(Backend backend, Backend other)
    {
        using var buffer = backend.Allocate(4096);
        using var foreign = other.Allocate(4096);
        KernelArgument[] Args(DeviceBuffer x, long offset) =>
            [KernelArgument.View(x, offset, 64), KernelArgument.View(buffer, 0, 64), KernelArgument.View(buffer, 1024, 64), KernelArgument.View(buffer, 2048, 1), KernelArgument.Float(1)];
        var grid = new LaunchGrid(new Dim3(IlgpuTestKernels.GroupSize), new Dim3(1));
        var misaligned = Assert.Throws<ArgumentException>(() => backend.Launch(IlgpuTestKernels.SaxpyGroupSumKernel, grid, Args(buffer, 6)));
        Assert.Contains("parameter 'x'", misaligned.Message);
        Assert.Contains("byte offset 6", misaligned.Message);
        Assert.Throws<ArgumentException>(() => backend.Launch(IlgpuTestKernels.SaxpyGroupSumKernel, grid, Args(foreign, 0)));
        Assert.Throws<ArgumentException>(() => backend.Upload(foreign, 0, new byte[4]));
    }

    private static float[] RandomFloats(Random random, int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
