using CommandLine;
using GpuEngine.Diagnostics.Ptx;
using GpuEngine.Kernels;
using GpuEngine.Profiling.Reports;
using GpuEngine.Zoo;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine kernels [--ptx DIR] [--arch sm_90]</c>: every kernel with each specialization the zoo launches; with
/// <c>--ptx</c>, one .ptx file per variant from ILGPU's PTX backend and, where ptxas is found, its registers, spills,
/// shared memory and theoretical occupancy. No GPU needed.
/// </summary>
[Verb("kernels", HelpText = "List every kernel and the specializations the zoo launches; --ptx DIR writes their PTX (and, with ptxas, registers, spills, occupancy).")]
public sealed class KernelsVerb : OutputOptions, ICommand
{
    [Option("ptx", HelpText = "Write one .ptx file per kernel variant into this folder (never overwriting one without --force).")]
    public string? PtxDirectory { get; set; }

    [Option("arch", Default = "sm_90", HelpText = "Architecture for --ptx: sm_80 or sm_90.")]
    public string Arch { get; set; } = "sm_90";

    [Option("models", HelpText = "Comma-separated zoo models whose launches give the specializations, or 'all'. Default: one model per distinct structure of the zoo.")]
    public string? Models { get; set; }

    public int Execute(CommandContext context)
    {
        CudaTarget target;
        try
        {
            target = CudaTarget.Parse(Arch);
        }
        catch (GpuEngineException e)
        {
            context.Error.WriteLine($"gpuengine: error: {e.Message}");
            return CliApp.ExitUsage;
        }
        var format = ReportFormat();
        var models = ZooModels();
        var variants = KernelVariants.Collect(models, GeneratedKernels.All);
        var report = PtxDirectory is null ? List(variants) : Prove(context, variants, target, PtxDirectory);
        report.AddFact("models", string.Join(", ", models.Select(m => m.Name)));
        WriteOutput(context, w => ReportWriter.Write(report, format, w));
        return 0;
    }

    private IReadOnlyList<ZooModel> ZooModels() => Models is null
        ? KernelVariants.Representatives(ModelZoo.All)
        : Models.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
        ? ModelZoo.All
        : [.. Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => ModelZoo.Find(name) ?? throw new GpuEngineException($"--models: unknown model '{name}'; 'gpuengine models' lists the zoo"))];

    private static Report List(IReadOnlyList<KernelVariant> variants)
    {
        var report = new Report("Kernels and the specializations the zoo launches", KernelsReport.ListColumns, rowsKey: "kernels")
            .AddFact("kernels", variants.Select(v => v.Kernel.EntryPoint).Distinct().Count())
            .AddFact("variants", variants.Count);
        foreach (var v in variants) report.AddRow(KernelsReport.ListCells(v));
        report.Notes.Add(KernelsReport.SpecializationNote);
        return report;
    }

    private Report Prove(CommandContext context, IReadOnlyList<KernelVariant> variants, CudaTarget target, string directory)
    {
        var compilable = variants.Where(v => v.Kernel.Method is not null).ToList();
        var paths = compilable.Select(v => Path.Combine(directory, v.FileStem(target) + ".ptx")).ToList();
        if (!Force && paths.FirstOrDefault(File.Exists) is { } existing)
            throw new GpuEngineException($"'{existing}' already exists; pass --force to overwrite it");
        var ptxas = Ptxas.Find();
        if (ptxas is null) context.Error.WriteLine($"gpuengine: kernels: {Ptxas.MissingReason}; writing PTX only");
        var report = new Report($"Kernels compiled by ILGPU's PTX backend for {target.Name}", KernelsReport.ProofColumns, rowsKey: "kernels")
            .AddFact("arch", target.Name)
            .AddFact("ptxas", ptxas?.Version() ?? "not found")
            .AddFact("ptx_directory", Path.GetFullPath(directory));
        using var compiler = new PtxCompiler(target);
        for (int i = 0; i < compilable.Count; i++)
        {
            var proof = KernelProof.Prove(compilable[i], compiler, ptxas);
            OutputFile.Write(paths[i], Force, w => w.Write(proof.Ptx));
            report.AddRow(KernelsReport.ProofCells(proof, Path.GetFileName(paths[i])));
        }
        var missing = variants.Where(v => v.Kernel.Method is null).Select(v => v.Kernel.EntryPoint).Distinct().ToList();
        if (missing.Count > 0) report.Notes.Add($"not ILGPU kernels yet (no PTX): {string.Join(", ", missing)}");
        report.Notes.Add(KernelsReport.SpecializationNote);
        report.Notes.Add(KernelsReport.OccupancyNote(target));
        context.Error.WriteLine($"wrote {compilable.Count} .ptx files to {directory}");
        return report;
    }
}
