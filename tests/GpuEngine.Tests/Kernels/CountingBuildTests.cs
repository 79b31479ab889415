using GpuEngine.Backends.Cpu;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The counting build of every kernel (-D GPUE_COUNT_BYTES on OpenCL and CUDA) against the cpu backend's
/// <see cref="AccessCounter"/>: two independent implementations of one rule (each element access through a
/// device-memory view adds its size, group shared memory nothing, a read-modify-write of one element counts once)
/// must agree on every kernel, and counting must not change what a kernel computes.
/// </summary>
public class CountingBuildTests
{
    /// <summary>Every backend that opens except the cpu reference itself (cpu-threads counts barrier kernels on item threads).</summary>
    public static TheoryData<string> Backends() => new(TestBackends.Names().Where(n => n != "cpu"));

    [Fact]
    public void Cases_CoverEveryKernel() =>
        Assert.Equal(GeneratedKernels.All.Select(k => k.Name).Order(), KernelCases.All().Select(c => c.Kernel.Name).Distinct().Order());

    [Theory]
    [MemberData(nameof(Backends))]
    public void EveryKernel_CountsWhatTheCpuCounts_AndComputesTheSame(string backendName)
    {
        using var cpu = new CpuBackend();
        using var backend = TestBackends.Open(backendName);
        foreach (var c in KernelCases.All())
        {
            var expected = KernelCases.Run(cpu, c, counting: true);
            var plain = KernelCases.Run(backend, c, counting: false);
            var counted = KernelCases.Run(backend, c, counting: true);
            Assert.True(expected.Bytes > 0, $"{c}: the cpu counted nothing");
            Assert.True(expected.Bytes == counted.Bytes, $"{c}: {backendName} counted {counted.Bytes} bytes, the cpu {expected.Bytes}");
            var cpuPlain = KernelCases.Run(cpu, c, counting: false);
            var writable = c.Views.Where((_, i) => c.Kernel.Parameters[i].Writable).ToArray();
            for (int i = 0; i < plain.Outputs.Length; i++)
            {
                Assert.True(plain.Outputs[i].AsSpan().SequenceEqual(counted.Outputs[i]), $"{c}: output {i} of the counting build differs from the plain one");
                // And against another backend, so a build that is wrong in both forms cannot pass.
                AssertSameResult(c, i, writable[i], cpuPlain.Outputs[i], plain.Outputs[i], backendName);
            }
        }
    }

    /// <summary>Integers bit for bit; floats within 1e-4 of the larger magnitude (devices may contract a·b + c).</summary>
    private static void AssertSameResult(KernelCases.Case c, int output, Array view, byte[] cpu, byte[] device, string backendName)
    {
        if (view is not float[])
        {
            Assert.True(cpu.AsSpan().SequenceEqual(device), $"{c}: output {output} on {backendName} differs from the cpu backend's");
            return;
        }
        var a = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpu);
        var b = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(device);
        for (int k = 0; k < a.Length; k++)
        {
            double scale = Math.Max(1, Math.Max(Math.Abs(a[k]), Math.Abs(b[k])));
            Assert.True(Math.Abs(a[k] - b[k]) <= 1e-4 * scale || (float.IsNaN(a[k]) && float.IsNaN(b[k])),
                $"{c}: output {output}[{k}] is {b[k]} on {backendName}, {a[k]} on the cpu backend");
        }
    }
}
