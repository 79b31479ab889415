using System.Globalization;
using GpuEngine.Diagnostics.Ptx;
using GpuEngine.Profiling.Reports;

namespace GpuEngine.Cli.Verbs;

/// <summary>The columns and cells of <see cref="KernelsVerb"/>'s two reports (the list, and the PTX proof).</summary>
internal static class KernelsReport
{
    public const string SpecializationNote =
        "specialization = the [Specialize] values a zoo model's fp32, int8 fused or int8 addsum session launches; 'any' = none launches it (compiled unspecialized)";

    public static readonly ReportColumn[] ListColumns =
    [
        new("kernel", "kernel", ColumnKind.Text),
        new("specialization", "specialization", ColumnKind.Text),
        new("group", "group", ColumnKind.Text),
        new("ilgpu", "ILGPU method", ColumnKind.Text),
        new("sessions", "sessions", ColumnKind.Integer),
        new("launched_by", "launched by (first)", ColumnKind.Text),
    ];

    public static readonly ReportColumn[] ProofColumns =
    [
        new("kernel", "kernel", ColumnKind.Text),
        new("specialization", "specialization", ColumnKind.Text),
        new("group", "group", ColumnKind.Text),
        new("registers", "registers", ColumnKind.Integer),
        new("register_budget", "budget", ColumnKind.Integer),
        new("spill_bytes", "spill bytes", ColumnKind.Integer),
        new("stack_bytes", "stack bytes", ColumnKind.Integer),
        new("shared_bytes", "shared bytes", ColumnKind.Integer),
        new("occupancy", "occupancy", ColumnKind.Text),
        new("limited_by", "limited by", ColumnKind.Text),
        new("file", "file", ColumnKind.Text),
    ];

    public static object?[] ListCells(KernelVariant v) =>
        [v.Kernel.EntryPoint, Label(v), Group(v), v.Kernel.Method is null ? "no" : "yes", (long)v.Models.Count, v.Models.FirstOrDefault() ?? ""];

    public static object?[] ProofCells(KernelProof p, string file)
    {
        var a = p.Assembly;
        var o = p.Occupancy;
        return [p.Variant.Kernel.EntryPoint, Label(p.Variant), Group(p.Variant), (long?)a?.Registers, (long)p.Budget, (long?)a?.SpillBytes,
            (long?)a?.StackFrameBytes, (long?)a?.SharedBytes, o is null ? "" : o.Fraction.ToString("P0", CultureInfo.InvariantCulture), o?.Limiter ?? "", file];
    }

    public static string OccupancyNote(CudaTarget t) =>
        $"occupancy = resident warps / {t.MaxThreadsPerSm / CudaTarget.WarpSize} per SM; blocks = min({t.MaxBlocksPerSm}, {t.MaxThreadsPerSm} threads, " +
        $"{t.RegistersPerSm} registers in units of {CudaTarget.RegisterAllocationUnit} per warp, {t.SharedBytesPerSm / 1024} KB shared with 1 KB reserved per block)";

    private static string Label(KernelVariant v) => v.Label.Length == 0 ? "-" : v.Label;

    private static string Group(KernelVariant v) => v.GroupSize switch
    {
        { Y: 1, Z: 1 } g => g.X.ToString(CultureInfo.InvariantCulture),
        { Z: 1 } g => $"{g.X}x{g.Y}",
        var g => $"{g.X}x{g.Y}x{g.Z}",
    };
}
