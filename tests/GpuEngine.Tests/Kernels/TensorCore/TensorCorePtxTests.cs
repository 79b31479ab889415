using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Text.RegularExpressions;
using GpuEngine.Kernels;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;

namespace GpuEngine.Tests.Kernels.TensorCore;

/// <summary>
/// The PTX proof of the tensor-core convs (NCHW and NHWC) without a GPU: ILGPU's PTX backend (O2, as the cuda backend) compiles it for
/// sm_80 and sm_90, ptxas 11.8 assembles it with no spill bytes, and its SASS holds IMMA (the int8 tensor-core
/// instruction). Skipped with the reason where ptxas is missing, failed instead under CI=true.
/// Compile and Assemble below make the same ILGPU and ptxas calls as branch ptx's PtxCompiler and Ptxas
/// (src/Engine/Diagnostics/Ptx): once that branch is merged they can be swapped for them (the mode then specialized).
/// </summary>
public class TensorCorePtxTests(ITestOutputHelper output)
{
    [TensorCorePtxasTheory]
    [InlineData(8, 0, "sm_80")]
    [InlineData(9, 0, "sm_90")]
    public void Int8TensorCoreConv2d_Assembles_WithoutSpills_AndUsesImma(int major, int minor, string arch) =>
        AssemblesWithoutSpills_AndUsesImma(IlgpuOnlyKernels.Int8TensorCoreConv2d, major, minor, arch);

    /// <summary>
    /// The NHWC form too. Its PTX also holds the 32-bit activation load of the C/groups % 4 == 0 path: one more 32-bit
    /// global load than the NCHW kernel, whose only 32-bit loads are of bias, multiplier and shift (the weights are bytes in both).
    /// </summary>
    [TensorCorePtxasTheory]
    [InlineData(8, 0, "sm_80")]
    [InlineData(9, 0, "sm_90")]
    public void Int8TensorCoreConv2dNhwc_Assembles_WithoutSpills_AndUsesImma(int major, int minor, string arch)
    {
        string ptx = AssemblesWithoutSpills_AndUsesImma(IlgpuOnlyKernels.Int8TensorCoreConv2dNhwc, major, minor, arch);
        string nchw = Compile(IlgpuOnlyKernels.Int8TensorCoreConv2d.Method!, new CudaArchitecture(major, minor));
        int Words(string text) => Regex.Matches(text, @"ld\.global(\.nc)?\.[usb]32\b").Count;
        output.WriteLine($"32-bit global loads: NHWC {Words(ptx)}, NCHW {Words(nchw)}");
        Assert.True(Words(ptx) > Words(nchw), $"{arch}: NHWC {Words(ptx)} 32-bit global loads, NCHW {Words(nchw)}");
    }

    private string AssemblesWithoutSpills_AndUsesImma(KernelDescriptor kernel, int major, int minor, string arch)
    {
        var tools = TensorCorePtxasTheoryAttribute.Ptxas ?? throw new InvalidOperationException(TensorCorePtxasTheoryAttribute.MissingReason);
        string ptx = Compile(kernel.Method!, new CudaArchitecture(major, minor));
        Assert.Contains("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32", ptx);
        var (log, sass) = Assemble(tools, ptx, arch);
        int registers = Number(log, @"Used (\d+) registers");
        var frame = Regex.Match(log, @"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads");
        int imma = Regex.Matches(sass, @"\bIMMA\b").Count;
        output.WriteLine($"{kernel.Name} {arch}: {registers} registers, {frame.Value}, {imma} IMMA, shared {Number(log, @"(\d+) bytes smem")} bytes");
        Assert.True(frame.Success, log);
        Assert.True(frame.Groups[2].Value == "0" && frame.Groups[3].Value == "0", $"{arch}: spills\n{log}");
        Assert.True(imma >= 8, $"{arch}: {imma} IMMA in the SASS (8 mma per k step expected)");
        return ptx;
    }

    private static int Number(string text, string pattern) => Regex.Match(text, pattern) is { Success: true } m ? int.Parse(m.Groups[1].Value) : -1;

    /// <summary>The kernel's PTX, its specialized mode an ordinary parameter.</summary>
    private static string Compile(System.Reflection.MethodInfo kernel, CudaArchitecture architecture)
    {
        using var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O2));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, CudaInstructionSet.ISA_78, nvvmAPI: null);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        return ((PTXCompiledKernel)backend.Compile(entry, default)).PTXAssembly;
    }

    /// <summary>ptxas -v's log and cuobjdump -sass's listing.</summary>
    private static (string Log, string Sass) Assemble(string ptxas, string ptx, string arch)
    {
        string folder = Directory.CreateTempSubdirectory("gpuengine-tensorcore-").FullName;
        try
        {
            string input = Path.Combine(folder, "kernel.ptx"), cubin = Path.Combine(folder, "kernel.cubin");
            File.WriteAllText(input, ptx);
            var (code, log) = Execute(ptxas, ["-v", "--warn-on-spills", $"-arch={arch}", input, "-o", cubin]);
            Assert.True(code == 0, $"ptxas -arch={arch} failed: {log}");
            string tools = Path.GetDirectoryName(ptxas)!;
            var (dumpCode, sass) = Execute(Path.Combine(tools, "cuobjdump"), ["-sass", cubin]);
            Assert.True(dumpCode == 0, $"cuobjdump -sass failed: {sass}");
            return (log, sass);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (int Code, string Output) Execute(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["NVDISASM_PATH"] = Path.GetDirectoryName(file)!;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>A theory that needs ptxas and cuobjdump (CUDA 11.8): skipped with the reason where missing, except under CI=true.</summary>
public sealed class TensorCorePtxasTheoryAttribute : TheoryAttribute
{
    public const string MissingReason =
        "ptxas not found (set GPUENGINE_PTXAS, put CUDA 11.8's ptxas on PATH, or unpack it into /opt/gpuengine-cuda-11.8/bin as .ci/run does)";

    /// <summary>ptxas (with cuobjdump beside it), or null.</summary>
    public static string? Ptxas { get; } = Find();

    public TensorCorePtxasTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        bool inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (Ptxas is null && !inCi) Skip = MissingReason;
    }

    private static string? Find()
    {
        IEnumerable<string> candidates = [
            Environment.GetEnvironmentVariable("GPUENGINE_PTXAS") ?? "",
            .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "ptxas")),
            "/opt/gpuengine-cuda-11.8/bin/ptxas",
        ];
        return candidates.FirstOrDefault(p => p.Length > 0 && File.Exists(p) && File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "cuobjdump")));
    }
}
