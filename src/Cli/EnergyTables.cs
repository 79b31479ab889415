using GpuEngine.Profiling.Energy;

namespace GpuEngine.Cli;

/// <summary>--energy-table: RASP's default costs, or a file replacing some; a bad file is a usage error (exit 2).</summary>
internal static class EnergyTables
{
    /// <summary>The table to use; false (after one line on stderr) when the file cannot be read as a table.</summary>
    public static bool TryLoad(string? path, CommandContext context, out EnergyTable table)
    {
        table = EnergyTable.Default;
        if (path is null) return true;
        try
        {
            table = EnergyTable.Load(path);
            return true;
        }
        catch (Exception e) when (e is GpuEngineException or IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"gpuengine: error: {e.Message}");
            return false;
        }
    }
}
