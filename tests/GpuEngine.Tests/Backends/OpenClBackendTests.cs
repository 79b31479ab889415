using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Backends.OpenCl;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Backends;

/// <summary>The OpenCL backend on whatever driver the machine has (PoCL in CI), checked against plain C# loops.</summary>
public sealed class OpenClBackendTests : IDisposable
{
    private readonly Lazy<OpenClBackend> _backend = new(() => new OpenClBackend());

    /// <summary>The backend for this case; the case is skipped, with the driver's reason, where OpenCL does not open.</summary>
    private OpenClBackend Backend
    {
        get
        {
            DeviceAvailability.Require("opencl");
            return _backend.Value;
        }
    }

    [Fact]
    public void DescribesTheDevice()
    {
        Assert.Contains("compute units", Backend.DeviceDescription);
        Assert.Contains("OpenCL C", Backend.DeviceDescription);
        Assert.Equal("opencl", Backend.Name);
    }

    [Fact]
    public void UploadAndDownloadRoundTripAtOffsets()
    {
        using var buffer = Backend.Allocate(64);
        Backend.Upload(buffer, 0, new byte[64]);
        byte[] data = [.. Enumerable.Range(1, 20).Select(i => (byte)i)];
        Backend.Upload(buffer, 13, data);
        var back = new byte[24];
        Backend.Download(buffer, 11, back);
        Assert.Equal(new byte[] { 0, 0 }, back[..2]);
        Assert.Equal(data, back[2..22]);
        Assert.Equal(new byte[] { 0, 0 }, back[22..]);
    }

    [Fact]
    public void ScaledAddMatchesTheHostLoopWithViewOffsets()
    {
        const int n = 1000, offset = 7;
        var random = new Random(1);
        float[] a = RandomFloats(random, n + offset), b = RandomFloats(random, n);
        using var ab = Backend.Allocate((n + offset) * 4L);
        using var bb = Backend.Allocate(n * 4L);
        using var cb = Backend.Allocate((n + 3) * 4L);
        Backend.Upload(ab, 0, MemoryMarshal.AsBytes(a.AsSpan()));
        Backend.Upload(bb, 0, MemoryMarshal.AsBytes(b.AsSpan()));
        Backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(n, 64),
            [KernelArgument.View(ab, offset * 4, n), KernelArgument.View(bb, 0, n), KernelArgument.View(cb, 12, n), KernelArgument.Float(0.5f)]);
        var c = new float[n];
        Backend.Download(cb, 12, MemoryMarshal.AsBytes(c.AsSpan()));
        for (int i = 0; i < n; i++) Assert.Equal(a[offset + i] + 0.5f * b[i], c[i], 5);
    }

    [Fact]
    public void GroupMemoryAndBarriersGiveGroupSums()
    {
        const int groups = 9, n = groups * 64 - 5;
        var x = RandomFloats(new Random(2), n);
        using var xb = Backend.Allocate(n * 4L);
        using var sb = Backend.Allocate(groups * 4L);
        Backend.Upload(xb, 0, MemoryMarshal.AsBytes(x.AsSpan()));
        Backend.Launch(TestKernels.GroupSum, new LaunchGrid(new Dim3(64), new Dim3(groups)),
            [KernelArgument.View(xb, 0, n), KernelArgument.View(sb, 0, groups)]);
        var sums = new float[groups];
        Backend.Download(sb, 0, MemoryMarshal.AsBytes(sums.AsSpan()));
        for (int g = 0; g < groups; g++)
            Assert.Equal(x.Skip(g * 64).Take(64).Sum(), sums[g], 3);
    }

    [Fact]
    public void SpecializedScalarIsCompiledAsACachedVariant()
    {
        const int n = 300;
        var x = new sbyte[n];
        new Random(3).NextBytes(MemoryMarshal.AsBytes(x.AsSpan()));
        using var xb = Backend.Allocate(n + 1);
        using var yb = Backend.Allocate(n * 4L);
        Backend.Upload(xb, 1, MemoryMarshal.AsBytes(x.AsSpan()));
        int before = Backend.ProgramBuildCount;
        foreach (int factor in new[] { 3, -5, 3 })
        {
            Backend.Launch(TestKernels.Affine, LaunchGrid.Linear(n, 32),
                [KernelArgument.View(xb, 1, n), KernelArgument.View(yb, 0, n), KernelArgument.Int(factor), KernelArgument.Int(11)]);
            var y = new int[n];
            Backend.Download(yb, 0, MemoryMarshal.AsBytes(y.AsSpan()));
            for (int i = 0; i < n; i++) Assert.Equal(x[i] * factor + 11, y[i]);
        }
        Assert.Equal(2, Backend.ProgramBuildCount - before);
    }

    [Fact]
    public void CountingBuildIsACachedVariantThatCountsEveryAccess()
    {
        const int n = 1000;
        using var x = Backend.Allocate(n * 4L);
        using var y = Backend.Allocate(n * 4L);
        var relu = GeneratedKernels.ActivationKernels_Relu;
        KernelArgument[] args = [KernelArgument.View(x, 0, n), KernelArgument.View(y, 0, n), KernelArgument.Int(n)];
        int before = Backend.ProgramBuildCount;
        Backend.Launch(relu, LaunchGrid.Linear(n), args);
        // One 4-byte read and one 4-byte write per element, however often it runs.
        Assert.Equal(8L * n, Backend.LaunchCounting(relu, LaunchGrid.Linear(n), args));
        Assert.Equal(8L * n, Backend.LaunchCounting(relu, LaunchGrid.Linear(n), args));
        Assert.Equal(2, Backend.ProgramBuildCount - before);
        Assert.Equal(0, Backend.LaunchCounting(relu, LaunchGrid.Linear(0), [KernelArgument.View(x, 0, 0), KernelArgument.View(y, 0, 0), KernelArgument.Int(0)]));
    }

    [Fact]
    public void CountingTotalGoesPast32Bits() =>
        Assert.Equal(TestKernels.LargeTalliesTotal(256), Backend.LaunchCounting(TestKernels.LargeTallies, LaunchGrid.Linear(256, 64), []));

    [Fact]
    public void EventsTimeAKernelWithAPositiveDuration()
    {
        const int n = 1 << 20;
        using var buffer = Backend.Allocate(n * 4L);
        KernelArgument[] args = [KernelArgument.View(buffer, 0, n), KernelArgument.View(buffer, 0, n), KernelArgument.View(buffer, 0, n), KernelArgument.Float(1f)];
        Backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(n, 128), args); // warm up: PoCL compiles per local size at first enqueue
        Backend.Synchronize();
        using var start = Backend.RecordEvent();
        Backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(n, 128), args);
        using var end = Backend.RecordEvent();
        double ms = Backend.ElapsedMilliseconds(start, end);
        Assert.InRange(ms, 1e-6, 10_000);
    }

    [Fact]
    public void BuildErrorNamesTheKernelAndCarriesTheLog()
    {
        using var buffer = Backend.Allocate(16);
        var e = Assert.Throws<OpenClException>(() => Backend.Launch(TestKernels.Broken, LaunchGrid.Linear(1, 1), [KernelArgument.View(buffer, 0, 4)]));
        Assert.Contains("'BrokenKernel'", e.Message);
        Assert.Contains("undeclared_thing", e.Message);
        Assert.IsAssignableFrom<GpuEngineException>(e);
    }

    [Fact]
    public void EmptyGridIsANoOp()
    {
        using var buffer = Backend.Allocate(16);
        Backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(0, 64),
            [KernelArgument.View(buffer, 0, 0), KernelArgument.View(buffer, 0, 0), KernelArgument.View(buffer, 0, 0), KernelArgument.Float(1f)]);
        Backend.Synchronize();
        Assert.False(Backend.Supports(TestKernels.ScaledAdd with { OpenClSource = "" }));
        Assert.True(Backend.Supports(TestKernels.ScaledAdd));
    }

    [Fact]
    public void MisalignedViewOffsetIsRejected()
    {
        using var buffer = Backend.Allocate(64);
        var e = Assert.Throws<ArgumentException>(() => Backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(4, 4),
            [KernelArgument.View(buffer, 2, 4), KernelArgument.View(buffer, 0, 4), KernelArgument.View(buffer, 0, 4), KernelArgument.Float(1f)]));
        Assert.Contains("not a multiple", e.Message);
    }

    [Fact]
    public void BufferOfAnotherBackendIsRejected()
    {
        var backend = Backend;
        using var other = new OpenClBackend();
        using var foreign = other.Allocate(16);
        Assert.Throws<ArgumentException>(() => backend.Upload(foreign, 0, new byte[4]));
    }

    private static float[] RandomFloats(Random random, int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1))];

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
    }
}
