using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Backends;

/// <summary>The contract's argument checks, which run before any backend code (so the CPU stub and a fake buffer suffice).</summary>
public class BackendArgumentTests
{
    private sealed class FakeBuffer(long bytes) : DeviceBuffer(bytes)
    {
        public override void Dispose() { }
    }

    private static readonly FakeBuffer Buffer = new(64);

    [Fact]
    public void WrongArityIsRejectedNamingTheKernel()
    {
        using var backend = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(4), [KernelArgument.View(Buffer, 0, 4)]));
        Assert.Contains("'ScaledAdd' takes 4 arguments, got 1", e.Message);
    }

    [Fact]
    public void ScalarWhereAViewIsExpectedIsRejected()
    {
        using var backend = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(4),
            [KernelArgument.Int(1), KernelArgument.View(Buffer, 0, 4), KernelArgument.View(Buffer, 0, 4), KernelArgument.Float(1)]));
        Assert.Contains("parameter 'a'", e.Message);
    }

    [Fact]
    public void ViewPastTheBufferEndIsRejected()
    {
        using var backend = new CpuBackend();
        // 16 floats = 64 bytes fit; starting at byte 4 they do not.
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Launch(TestKernels.ScaledAdd, LaunchGrid.Linear(16),
            [KernelArgument.View(Buffer, 4, 16), KernelArgument.View(Buffer, 0, 16), KernelArgument.View(Buffer, 0, 16), KernelArgument.Float(1)]));
    }

    [Fact]
    public void TransfersOutsideTheBufferAreRejected()
    {
        using var backend = new CpuBackend();
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Upload(Buffer, 60, new byte[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Download(Buffer, -1, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Allocate(0));
    }

    [Fact]
    public void SpecializedLiteralsAreValidC()
    {
        var f = new KernelParameter("s", KernelParameterKind.Scalar, KernelElementType.Float32, Specialized: true);
        var i = new KernelParameter("n", KernelParameterKind.Scalar, KernelElementType.Int32, Specialized: true);
        Assert.Equal("2.0f", KernelSpecialization.Literal(f, BitConverter.SingleToInt32Bits(2f), "k"));
        Assert.Equal("(-0.5f)", KernelSpecialization.Literal(f, BitConverter.SingleToInt32Bits(-0.5f), "k"));
        Assert.Equal("1E-05f", KernelSpecialization.Literal(f, BitConverter.SingleToInt32Bits(1e-5f), "k"));
        Assert.Equal("7", KernelSpecialization.Literal(i, 7, "k"));
        Assert.Equal("(-7)", KernelSpecialization.Literal(i, -7, "k"));
        Assert.Throws<ArgumentException>(() => KernelSpecialization.Literal(f, BitConverter.SingleToInt32Bits(float.NaN), "k"));
    }

    /// <summary>Each specialized value is one define, prefixed (GPUE_S_) so no header identifier can collide with it (NVRTC's builtin header has parameters named mode).</summary>
    [Fact]
    public void DefinesFollowParameterOrder()
    {
        var defines = KernelSpecialization.Defines(TestKernels.Affine,
            [KernelArgument.View(Buffer, 0, 4), KernelArgument.View(Buffer, 0, 4), KernelArgument.Int(3), KernelArgument.Int(11)]);
        Assert.Equal(["GPUE_S_factor=3"], defines);
    }
}
