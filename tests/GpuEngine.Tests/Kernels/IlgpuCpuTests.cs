using GpuEngine.Backends.Cpu;
using GpuEngine.Kernels;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// The ILGPU kernels themselves, loaded through each descriptor's <see cref="KernelDescriptor.IlgpuLoader"/> on ILGPU's
/// CPUAccelerator (ILGPU's own semantics, a real thread per work item), against the cpu backend running the generator's
/// translation: fp32 within 1e-5 relative, int8 and int32 bit-exact; and the ILGPU counting variant
/// (<see cref="KernelDescriptor.CountingIlgpuLoader"/>) moves exactly the bytes the cpu backend counts.
/// So the translation means what ILGPU means. Shapes are <see cref="KernelCases"/>' small ones.
/// </summary>
public class IlgpuCpuTests
{
    /// <summary>Every kernel case: barrier kernels (Conv2d, Int8Conv2d in each mode, the tiled GEMMs, pools) included.</summary>
    public static TheoryData<string> Cases() => new(KernelCases.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void IlgpuCpuAccelerator_MatchesTheCpuBackend_AndCountsTheSameBytes(string name)
    {
        var c = KernelCases.All().Single(k => k.Name == name);
        using var cpu = new CpuBackend();
        var expected = KernelCases.Run(cpu, c, counting: true);
        // 256 threads per group (ILGPU's default CPU device simulates 16): the tiled kernels run 16 x 16 groups.
        using var context = Context.Create(b => b.CPU(new CPUDevice(32, 8, 1)).EnableAlgorithms());
        using var accelerator = context.CreateCPUAccelerator(0);
        var plain = Run(accelerator, c, counting: false);
        var counted = Run(accelerator, c, counting: true);

        Assert.Equal(expected.Bytes, counted.Bytes);
        int output = 0;
        for (int i = 0; i < c.Views.Length; i++)
        {
            if (!c.Kernel.Parameters[i].Writable) continue;
            if (c.Kernel.Parameters[i].ElementType == KernelElementType.Float32)
                AssertClose(expected.Outputs[output], plain.Outputs[output], $"{c} output {i}");
            else Assert.True(expected.Outputs[output].AsSpan().SequenceEqual(plain.Outputs[output]), $"{c}: output {i} differs from the cpu backend");
            Assert.True(plain.Outputs[output].AsSpan().SequenceEqual(counted.Outputs[output]), $"{c}: output {i} of the counting variant differs");
            output++;
        }
    }

    private static void AssertClose(byte[] expectedBytes, byte[] actualBytes, string what)
    {
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(expectedBytes);
        var actual = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(actualBytes);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1.0, Math.Abs(expected[i])),
                $"{what}[{i}]: ILGPU {actual[i]}, cpu backend {expected[i]}");
    }

    /// <summary>Uploads the case's views, launches through the descriptor's ILGPU loader, reads back the writable views (and the byte total).</summary>
    private static KernelCases.Result Run(Accelerator accelerator, KernelCases.Case c, bool counting)
    {
        var buffers = new List<MemoryBuffer1D<byte, Stride1D.Dense>>();
        try
        {
            var arguments = new List<IlgpuArgument>();
            foreach (var view in c.Views)
            {
                var buffer = accelerator.Allocate1D(KernelCases.Bytes(view));
                buffers.Add(buffer);
                arguments.Add(IlgpuArgument.ForView(buffer.View));
            }
            arguments.AddRange(c.Scalars.Select(s => IlgpuArgument.ForScalar(s.ScalarBits)));
            var total = accelerator.Allocate1D<byte>(8);
            buffers.Add(total);
            total.MemSetToZero();
            if (counting) arguments.Add(IlgpuArgument.ForView(total.View));
            var launcher = (counting ? c.Kernel.CountingIlgpuLoader : c.Kernel.IlgpuLoader)!(accelerator);
            var g = c.Grid;
            var config = new KernelConfig(new Index3D(g.GroupCount.X, g.GroupCount.Y, g.GroupCount.Z), new Index3D(g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z));
            launcher(accelerator.DefaultStream, config, [.. arguments]);
            accelerator.Synchronize();
            var outputs = new List<byte[]>();
            for (int i = 0; i < c.Views.Length; i++)
                if (c.Kernel.Parameters[i].Writable) outputs.Add(buffers[i].GetAsArray1D());
            return new KernelCases.Result([.. outputs], counting ? BitConverter.ToInt64(total.GetAsArray1D()) : null);
        }
        finally
        {
            foreach (var buffer in buffers) buffer.Dispose();
        }
    }
}
