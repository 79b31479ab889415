namespace GpuEngine.Cli;

/// <summary>The gpuengine command: one verb per file under Verbs/, found by their [Verb] attribute.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var progress = TerminalProgress.Install();
        return CliApp.Run(args, Console.Out, Console.Error);
    }
}
