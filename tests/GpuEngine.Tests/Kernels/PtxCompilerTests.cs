using GpuEngine.Backends;
using GpuEngine.Diagnostics.Ptx;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Kernels;

/// <summary>The parts of the PTX proof that need no ptxas: ILGPU's PTX, offline specialization, ptxas log parsing, occupancy.</summary>
[Collection(PtxCases.Collection)]
public class PtxCompilerTests
{
    private const string SixAsPtx = "0f40C00000"; // 6.0f, ReLU6's bound

    [Fact]
    public void Specialization_FoldsTheActivationIntoTheKernel()
    {
        var compiler = PtxCases.Compiler("sm_90");
        string Ptx(string key) => PtxCases.Find(key).CompilePtx(compiler);
        string none = Ptx("PtxTestKernels_TiledGemm.activation-0"), relu6 = Ptx("PtxTestKernels_TiledGemm.activation-2"), any = Ptx("PtxTestKernels_TiledGemm.any");
        Assert.Contains(".entry", none);
        Assert.DoesNotContain(SixAsPtx, none);
        Assert.DoesNotContain("max.f32", none);
        Assert.Contains(SixAsPtx, relu6);
        // Unspecialized, every activation stays in the code behind a test of the parameter.
        Assert.Contains(SixAsPtx, any);
        Assert.Contains("max.f32", any);
        Assert.True(any.Split('\n').Length > relu6.Split('\n').Length);
    }

    [Fact]
    public void Dp4aKernel_EmitsTheInstruction()
    {
        string ptx = PtxCases.Find("PtxTestKernels_Dp4aDot").CompilePtx(PtxCases.Compiler("sm_80"));
        Assert.Contains("dp4a.s32.s32", ptx);
        Assert.Contains(".shared", PtxCases.Find("PtxTestKernels_TiledGemm.activation-1").CompilePtx(PtxCases.Compiler("sm_80")));
        Assert.DoesNotContain(".shared", ptx);
    }

    [Fact]
    public void PtxasLog_IsParsed()
    {
        const string log = """
            ptxas info    : 0 bytes gmem
            ptxas info    : Compiling entry function 'Kernel_TiledGemm' for 'sm_90'
            ptxas info    : Function properties for Kernel_TiledGemm
                16 bytes stack frame, 12 bytes spill stores, 8 bytes spill loads
            ptxas info    : Used 38 registers, 4096 bytes smem
            """;
        var r = Ptxas.Parse(log);
        Assert.Equal(("Kernel_TiledGemm", 38, 12, 8, 16, 4096, 20), (r.Entry, r.Registers, r.SpillStoreBytes, r.SpillLoadBytes, r.StackFrameBytes, r.SharedBytes, r.SpillBytes));
        Assert.Throws<GpuEngineException>(() => Ptxas.Parse("ptxas fatal   : Unresolved extern function 'f'"));
    }

    [Theory]
    // 38 registers → 1,280 per warp → 51 warps by registers → 6 groups of 8 warps; 4 KB + 1 KB reserved fits 45 (sm_90).
    [InlineData("sm_90", 38, 4096, 256, 6, 0.75, "registers")]
    // 32 registers, 256 threads: 8 groups of 8 warps = all 64 warp slots.
    [InlineData("sm_90", 32, 0, 256, 8, 1.0, "threads")]
    // 64-thread groups of 16 registers: 32 groups, the block limit, = 64 warps.
    [InlineData("sm_80", 16, 0, 64, 32, 1.0, "blocks")]
    // 48 KB shared: sm_80 fits 164 / 49 = 3 groups of 8 warps; sm_90 fits 228 / 49 = 4.
    [InlineData("sm_80", 32, 48 * 1024, 256, 3, 0.375, "shared")]
    [InlineData("sm_90", 32, 48 * 1024, 256, 4, 0.5, "shared")]
    // 255 registers: 8,192 per warp → 8 warps → one group of 256 threads.
    [InlineData("sm_90", 255, 0, 256, 1, 0.125, "registers")]
    // More shared memory than a block may have: nothing fits.
    [InlineData("sm_80", 32, 200 * 1024, 256, 0, 0.0, "shared")]
    public void Occupancy_FollowsTheLimits(string arch, int registers, int shared, int threads, int blocks, double fraction, string limiter)
    {
        var o = CudaTarget.Parse(arch).Occupancy(registers, shared, threads);
        Assert.Equal((blocks, fraction, limiter), (o.BlocksPerSm, o.Fraction, o.Limiter));
    }

    [Fact]
    public void Arch_IsParsedOrNamesTheValidOnes()
    {
        Assert.Same(CudaTarget.Sm90, CudaTarget.Parse("SM_90"));
        Assert.Same(CudaTarget.Sm80, CudaTarget.Parse("80"));
        var e = Assert.Throws<GpuEngineException>(() => CudaTarget.Parse("sm_75"));
        Assert.Equal("--arch 'sm_75' is not one of sm_80, sm_90", e.Message);
    }

    [Fact]
    public void Variant_FileStem_NamesKernelSpecializationAndArch()
    {
        Assert.Equal("PtxTestKernels_TiledGemm.activation-2.sm_90", PtxCases.Find("PtxTestKernels_TiledGemm.activation-2").FileStem(CudaTarget.Sm90));
        Assert.Equal("PtxTestKernels_TiledGemm.any.sm_80", PtxCases.Find("PtxTestKernels_TiledGemm.any").FileStem(CudaTarget.Sm80));
        Assert.Equal("PtxTestKernels_Dp4aDot.sm_80", PtxCases.Find("PtxTestKernels_Dp4aDot").FileStem(CudaTarget.Sm80));
    }

    [Fact]
    public void ZooRepresentatives_OneModelPerStructure()
    {
        string Key(string model) => KernelVariants.StructureKey(ModelZoo.Create(model, KernelVariants.ProbeInput, 10));
        Assert.Equal(Key("repvgg-a0"), Key("repvgg-b3"));
        Assert.Equal(Key("vgg11"), Key("vgg19"));
        Assert.NotEqual(Key("repvgg-a0"), Key("repvgg-a0-train"));
        Assert.NotEqual(Key("vgg11"), Key("vgg11_bn"));
        Assert.NotEqual(Key("repvgg-a0"), Key("repvgg-b1g2"));
        var names = KernelVariants.Representatives(ModelZoo.All).Select(m => m.Name).ToList();
        Assert.Equal(names.Count, names.Select(Key).Distinct().Count());
        Assert.Equal(ModelZoo.All.Select(m => Key(m.Name)).Distinct().Count(), names.Count);
        Assert.Contains("mobilenet_v2", names);
    }

    [Fact]
    public void ZooLaunches_GiveEachActivationAndInt8Mode()
    {
        var variants = KernelVariants.Collect([ModelZoo.Find("mobilenet_v2")!], []);
        string Labels(string entry) => string.Join(",", variants.Where(v => v.Kernel.EntryPoint == entry).Select(v => v.Label));
        // MobileNetV2: projections without activation, expansions and the stem with ReLU6; the int8 convs fused and addsum.
        Assert.Equal("activation-0,activation-2", Labels("Conv2dKernels_Conv2d"));
        Assert.Equal("mode-0,mode-1", Labels("Int8Conv2dKernels_Int8Conv2d"));
        Assert.All(variants, v => Assert.NotEmpty(v.Models));
        Assert.Equal(new Dim3(16, 16), variants.First(v => v.Kernel.EntryPoint == "Conv2dKernels_Conv2d").GroupSize);
    }
}
