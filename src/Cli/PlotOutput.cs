using GpuEngine.Profiling.Plots;

namespace GpuEngine.Cli;

/// <summary>Where a plot goes: --output FILE (PNG or SVG), or standard output for SVG; a PNG is binary and needs a file.</summary>
internal static class PlotOutput
{
    /// <summary>Refuses a PNG without --output before any work is done.</summary>
    public static void Check(PlotFormat? format, string? output)
    {
        if (format == PlotFormat.Png && output is null)
            throw new GpuEngineException("--format png writes a binary file: give --output FILE.png (svg can go to standard output)");
    }

    public static void Write(CommandContext context, byte[] image, string? output, bool force)
    {
        if (output is null)
        {
            context.Out.Write(System.Text.Encoding.UTF8.GetString(image));
            return;
        }
        OutputFile.WriteBytes(output, force, image);
        context.Error.WriteLine($"wrote {output}");
    }
}
