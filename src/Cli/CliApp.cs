using System.Reflection;
using CommandLine;

namespace GpuEngine.Cli;

/// <summary>A verb's options class implements this; <see cref="CliApp"/> parses and runs it.</summary>
public interface ICommand
{
    /// <summary>Runs the verb; returns the exit code (0 = success).</summary>
    int Execute(CommandContext context);
}

/// <summary>Where a verb writes: standard output for results, standard error for the one-line reason of a failure.</summary>
public sealed record CommandContext(TextWriter Out, TextWriter Error);

/// <summary>
/// Parses the command line into a verb and runs it. User errors (<see cref="GpuEngineException"/>, missing files)
/// become one line on stderr and a non-zero exit; bad arguments print the verb's help and exit 2.
/// </summary>
public static class CliApp
{
    public const int ExitError = 1;
    public const int ExitUsage = 2;

    private static readonly Type[] Verbs = [.. typeof(CliApp).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<VerbAttribute>() is not null && typeof(ICommand).IsAssignableFrom(t))
        .OrderBy(t => t.GetCustomAttribute<VerbAttribute>()!.Name)];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var parser = new Parser(s =>
        {
            s.HelpWriter = stderr;
            s.CaseInsensitiveEnumValues = true;
            s.AutoVersion = true;
        });
        var parsed = parser.ParseArguments(args, Verbs);
        if (parsed is not Parsed<object> { Value: ICommand command })
        {
            bool askedForHelp = parsed.Errors.All(e => e is HelpRequestedError or HelpVerbRequestedError or VersionRequestedError);
            return askedForHelp ? 0 : ExitUsage;
        }
        try
        {
            return command.Execute(new CommandContext(stdout, stderr));
        }
        catch (Exception e) when (e is Backends.BackendUnavailableException or Backends.UnknownDeviceException)
        {
            // The device asked for cannot run here, or does not exist: a usage error, like a bad option value.
            stderr.WriteLine($"gpuengine: error: {e.Message}");
            return ExitUsage;
        }
        catch (Exception e) when (e is GpuEngineException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"gpuengine: error: {e.Message}");
            return ExitError;
        }
    }
}
