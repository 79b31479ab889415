using System.Runtime.CompilerServices;
using GpuEngine.Diagnostics.Ptx;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// CI proves the CUDA path without a GPU: every kernel variant (<see cref="PtxCases"/>) compiles with ILGPU's PTX backend
/// for sm_80 and sm_90 and ptxas 11.8 assembles it with no spill bytes and within its register budget; the int8 GEMM-like
/// kernels' SASS holds IDP.4A. Where ptxas is missing the theories skip, except under CI=true, where they fail.
/// </summary>
[Collection(PtxCases.Collection)]
public class PtxAssemblyTests(ITestOutputHelper output)
{
    private static readonly string[] Archs = [.. CudaTarget.All.Select(t => t.Name)];

    public static TheoryData<string, string> Variants() => Data(PtxCases.All);

    public static TheoryData<string, string> Dp4aVariants() => Data(PtxCases.All.Where(PtxCases.MustUseDp4a));

    private static TheoryData<string, string> Data(IEnumerable<KernelVariant> variants)
    {
        var data = new TheoryData<string, string>();
        foreach (var v in variants)
            foreach (var arch in Archs) data.Add(PtxCases.Key(v), arch);
        return data;
    }

    [PtxasTheory]
    [MemberData(nameof(Variants))]
    public void Variant_Assembles_WithoutSpills_WithinRegisterBudget(string variant, string arch)
    {
        var proof = Prove(variant, arch, sass: false);
        var a = proof.Assembly!;
        output.WriteLine($"{variant} {arch}: {a.Registers} registers, {a.SpillBytes} spill bytes, {a.StackFrameBytes} stack bytes, " +
            $"{a.SharedBytes} shared bytes, occupancy {proof.Occupancy!.Fraction:P0} ({proof.Occupancy.Limiter}) at group {proof.Variant.GroupSize.Volume}");
        Assert.True(a.SpillBytes == 0, $"{variant} on {arch}: {a.SpillStoreBytes} bytes spill stores, {a.SpillLoadBytes} bytes spill loads\n{a.Log}");
        Assert.True(a.Registers <= proof.Budget, $"{variant} on {arch}: {a.Registers} registers, budget {proof.Budget}");
        Assert.True(proof.Occupancy!.BlocksPerSm > 0, $"{variant} on {arch}: a group of {proof.Variant.GroupSize} does not fit an SM");
    }

    /// <summary>No local memory at all (ptxas's stack frame): a local-memory round trip in an inner loop costs what spills cost.</summary>
    [PtxasTheory]
    [MemberData(nameof(Variants))]
    public void Variant_UsesNoLocalMemory(string variant, string arch)
    {
        var a = Prove(variant, arch, sass: false).Assembly!;
        Assert.True(a.StackFrameBytes == 0, $"{variant} on {arch}: {a.StackFrameBytes} bytes stack frame (local memory)\n{a.Log}");
    }

    [PtxasTheory]
    [MemberData(nameof(Dp4aVariants))]
    public void Int8Gemm_Sass_UsesDp4a(string variant, string arch)
    {
        var sass = Prove(variant, arch, sass: true).Assembly!.Sass!;
        Assert.Contains("IDP.4A", sass);
        Assert.DoesNotContain("STL", sass);
    }

    [PtxasTheory]
    [InlineData("sm_80")]
    [InlineData("sm_90")]
    public void TiledGemm_SharedMemory_IsItsTwoTiles(string arch)
    {
        var proof = Prove("PtxTestKernels_TiledGemm.activation-1", arch, sass: false);
        Assert.Equal(2 * PtxTestKernels.TileK * PtxTestKernels.Tile * sizeof(float), proof.Assembly!.SharedBytes);
    }

    /// <summary>Why the proof and the cuda backend compile at O2: at ILGPU's default O1 a CudaAsm out operand lives in local memory.</summary>
    [PtxasTheory]
    [InlineData("sm_90")]
    public void AtO1_TheDp4aOutOperand_GoesThroughLocalMemory(string arch)
    {
        using var o1 = new PtxCompiler(CudaTarget.Parse(arch), ILGPU.OptimizationLevel.O1);
        var a = Assert.IsType<PtxasResult>(KernelProof.Prove(PtxCases.Find("PtxTestKernels_Dp4aDot"), o1, PtxCases.Tools, sass: true).Assembly);
        Assert.True(a.StackFrameBytes > 0, "ILGPU no longer needs O2 for CudaAsm out operands: PtxCompiler.Optimization may go back to O1");
        Assert.Contains("STL", a.Sass);
    }

    /// <summary>
    /// Every generated kernel is an ILGPU kernel, so every one is in the PTX proof: without this the theories above
    /// could shrink to the test kernels and still pass.
    /// </summary>
    [Fact]
    public void EveryGeneratedKernel_HasAnIlgpuMethod()
    {
        var missing = GeneratedKernels.All.Where(k => k.Method is null).Select(k => k.Name).ToList();
        Assert.True(missing.Count == 0, $"kernels without an ILGPU method (no PTX proof): {string.Join(", ", missing)}");
        Assert.NotEmpty(PtxCases.EngineVariants);
    }

    [CiFact]
    public void Ci_HasPtxasAndCuobjdump()
    {
        Assert.True(PtxCases.Tools is not null, Ptxas.MissingReason);
        Assert.NotNull(PtxCases.Tools!.CuobjdumpPath);
        Assert.Contains("release 11.8", PtxCases.Tools.Version());
    }

    private static KernelProof Prove(string variant, string arch, bool sass)
    {
        var tools = PtxCases.Tools;
        Assert.True(tools is not null, Ptxas.MissingReason);
        return KernelProof.Prove(PtxCases.Find(variant), PtxCases.Compiler(arch), tools, sass);
    }
}

/// <summary>A fact that runs only under CI (CI=true), where the tools the PTX proof needs must be installed.</summary>
public sealed class CiFactAttribute : FactAttribute
{
    public CiFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!PtxCases.InCi) Skip = "runs under CI=true only (checks .ci/run installed ptxas and cuobjdump)";
    }
}
