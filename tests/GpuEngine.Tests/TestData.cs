namespace GpuEngine.Tests;

/// <summary>Paths of the project's own copies of the seed documents (tests/GpuEngine.Tests/Data/seeds).</summary>
internal static class TestData
{
    /// <summary>A path under the test output's Data folder.</summary>
    public static string DataPath(string relative) => Path.Combine(AppContext.BaseDirectory, "Data", relative);

    public static string Seed(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "seeds", name);

    public static string RepVggTables => Seed("repvgg_memory_cost_tables.md");
    public static string VggTables => Seed("vgg_memory_tables.md");
}

/// <summary>Runs the gpuengine command in-process and captures what it prints.</summary>
internal static class Gpuengine
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = GpuEngine.Cli.CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
