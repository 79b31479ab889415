using System.Reflection;
using CommandLine;
using GpuEngine.IO;

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
/// Parses the command line into a verb and runs it. Bad input — a bad argument, a bad file, a refused option — is one
/// line on stderr and exit 2 (<see cref="ExitError"/>); an exception the engine did not expect is one line with its type
/// and message and exit 1 (<see cref="ExitInternal"/>), its stack trace only with --verbose. --help prints the help.
/// </summary>
public static class CliApp
{
    /// <summary>Bad input or a refused request: one line on stderr says what and where.</summary>
    public const int ExitError = 2;

    /// <summary>Same as <see cref="ExitError"/>: the command line itself was wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>The verb ran and found a difference (validate, check): exit 1, as the README says.</summary>
    public const int ExitFinding = 1;

    /// <summary>An unexpected failure inside the engine (a bug): one line with the exception's type.</summary>
    public const int ExitInternal = 1;

    private static readonly Type[] Verbs = [.. typeof(CliApp).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<VerbAttribute>() is not null && typeof(ICommand).IsAssignableFrom(t))
        .OrderBy(t => t.GetCustomAttribute<VerbAttribute>()!.Name)];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool verbose = args.Contains("--verbose");
        args = [.. args.Where(a => a != "--verbose")];
        using var parser = new Parser(s =>
        {
            // Errors are reported here, as one line; help is printed only when asked for.
            s.HelpWriter = null;
            s.CaseInsensitiveEnumValues = true;
            s.AutoVersion = true;
        });
        var parsed = parser.ParseArguments(args, Verbs);
        if (parsed is not Parsed<object> { Value: ICommand command })
            return ParseErrors.Report(parsed, args, stdout, stderr);
        try
        {
            // The overwrite check comes before any work: a long inference never ends in "already exists".
            if (command is ModelOptions model) model.CheckOptions();
            if (command is OutputOptions { Output: { } output } options) SafeFile.CheckTarget(output, options.Force);
            return command.Execute(new CommandContext(stdout, stderr));
        }
        catch (Exception e) when (e is GpuEngineException or IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            Execution.WorkProgress.End();
            stderr.WriteLine($"gpuengine: error: {e.Message}");
            if (verbose) stderr.WriteLine(e);
            return ExitError;
        }
        catch (Exception e)
        {
            Execution.WorkProgress.End();
            stderr.WriteLine($"gpuengine: internal error: {e.GetType().Name}: {e.Message} (--verbose shows the trace)");
            if (verbose) stderr.WriteLine(e);
            return ExitInternal;
        }
    }
}
