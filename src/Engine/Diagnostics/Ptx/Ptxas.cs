using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuEngine.Diagnostics.Ptx;

/// <summary>What ptxas reported for one kernel entry, and its SASS where cuobjdump was asked for it.</summary>
public sealed record PtxasResult(
    string Entry,
    int Registers,
    int SpillStoreBytes,
    int SpillLoadBytes,
    int StackFrameBytes,
    int SharedBytes,
    string Log,
    string? Sass)
{
    /// <summary>Bytes spilled to local memory, stores and loads together: the gate is zero.</summary>
    public int SpillBytes => SpillStoreBytes + SpillLoadBytes;
}

/// <summary>
/// NVIDIA's PTX assembler (CUDA 11.8: sm_90, PTX ISA up to 7.8) and cuobjdump, run as processes. Found through
/// GPUENGINE_PTXAS (the ptxas binary) or PATH; cuobjdump through GPUENGINE_CUOBJDUMP, beside ptxas, or PATH (its
/// -sass needs nvdisasm, taken from beside cuobjdump when there).
/// .ci/run unpacks both from Debian's non-free nvidia-cuda-toolkit without installing it.
/// </summary>
public sealed partial class Ptxas(string ptxasPath, string? cuobjdumpPath)
{
    public string PtxasPath { get; } = ptxasPath;

    /// <summary>cuobjdump, or null when only ptxas was found (then no SASS).</summary>
    public string? CuobjdumpPath { get; } = cuobjdumpPath;

    /// <summary>Why <see cref="Find"/> returns null, in one line that says how to get the tools.</summary>
    public const string MissingReason =
        "ptxas not found (set GPUENGINE_PTXAS or put CUDA 11.8's ptxas on PATH; .ci/run unpacks Debian's nvidia-cuda-toolkit)";

    /// <summary>The tools, or null where ptxas is on neither GPUENGINE_PTXAS nor PATH.</summary>
    public static Ptxas? Find()
    {
        string? ptxas = Environment.GetEnvironmentVariable("GPUENGINE_PTXAS") is { Length: > 0 } set && File.Exists(set) ? set : OnPath("ptxas");
        if (ptxas is null) return null;
        string beside = Path.Combine(Path.GetDirectoryName(ptxas)!, "cuobjdump");
        string? cuobjdump = Environment.GetEnvironmentVariable("GPUENGINE_CUOBJDUMP") is { Length: > 0 } dump && File.Exists(dump) ? dump
            : File.Exists(beside) ? beside : OnPath("cuobjdump");
        return new Ptxas(ptxas, cuobjdump);
    }

    /// <summary>ptxas's release line, e.g. "Cuda compilation tools, release 11.8, V11.8.89".</summary>
    public string Version() =>
        Execute(PtxasPath, ["--version"]).Output.Split('\n').LastOrDefault(l => l.Contains("release", StringComparison.Ordinal))?.Trim() ?? "unknown";

    /// <summary>
    /// Assembles <paramref name="ptx"/> (one entry) for <paramref name="target"/> with <c>-v --warn-on-spills</c> and parses
    /// the resources; with <paramref name="sass"/>, disassembles the cubin with <c>cuobjdump -sass</c>.
    /// A ptxas error is a <see cref="GpuEngineException"/> carrying its log.
    /// </summary>
    public PtxasResult Assemble(string ptx, CudaTarget target, bool sass = false)
    {
        string folder = Directory.CreateTempSubdirectory("gpuengine-ptxas-").FullName;
        try
        {
            string input = Path.Combine(folder, "kernel.ptx"), cubin = Path.Combine(folder, "kernel.cubin");
            File.WriteAllText(input, ptx);
            var (code, log) = Execute(PtxasPath, ["-v", "--warn-on-spills", $"-arch={target.Name}", input, "-o", cubin]);
            if (code != 0) throw new GpuEngineException($"ptxas -arch={target.Name} failed (exit {code}): {log.Trim()}");
            string? text = null;
            if (sass)
            {
                if (CuobjdumpPath is null) throw new GpuEngineException("cuobjdump not found beside ptxas or on PATH (set GPUENGINE_CUOBJDUMP)");
                var (dumpCode, dump) = Execute(CuobjdumpPath, ["-sass", cubin], NvdisasmEnvironment(CuobjdumpPath));
                if (dumpCode != 0) throw new GpuEngineException($"cuobjdump -sass failed (exit {dumpCode}): {dump.Trim()}");
                text = dump;
            }
            return Parse(log, text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads ptxas -v's info lines: entry name, registers, stack frame, spill stores and loads, smem bytes.</summary>
    public static PtxasResult Parse(string log, string? sass = null)
    {
        int Number(Regex pattern, int group = 1) =>
            pattern.Match(log) is { Success: true } m ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var registers = RegistersPattern().Match(log);
        if (!registers.Success) throw new GpuEngineException($"ptxas printed no register count: {log.Trim()}");
        return new PtxasResult(
            EntryPattern().Match(log) is { Success: true } e ? e.Groups[1].Value : "",
            int.Parse(registers.Groups[1].Value, CultureInfo.InvariantCulture),
            Number(FramePattern(), 2), Number(FramePattern(), 3), Number(FramePattern(), 1), Number(SharedPattern()),
            log, sass);
    }

    [GeneratedRegex(@"Compiling entry function '([^']+)'")]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex RegistersPattern();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FramePattern();

    [GeneratedRegex(@"(\d+) bytes smem")]
    private static partial Regex SharedPattern();

    private static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    /// <summary>cuobjdump -sass runs nvdisasm, found on PATH or in NVDISASM_PATH (a folder): point it beside cuobjdump when it is there.</summary>
    private static (string, string)? NvdisasmEnvironment(string cuobjdump)
    {
        string folder = Path.GetDirectoryName(cuobjdump)!;
        return Environment.GetEnvironmentVariable("NVDISASM_PATH") is null && File.Exists(Path.Combine(folder, "nvdisasm"))
            ? ("NVDISASM_PATH", folder)
            : null;
    }

    private static (int Code, string Output) Execute(string tool, IReadOnlyList<string> arguments, (string Name, string Value)? variable = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (variable is { } v) start.Environment[v.Name] = v.Value;
        using var process = Process.Start(start) ?? throw new GpuEngineException($"could not start '{tool}'");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
