using System.Reflection;
using CommandLine;
using CommandLine.Text;

namespace GpuEngine.Cli;

/// <summary>
/// Turns CommandLineParser's errors into one line each (the README's promise) instead of its full help: a bad enum
/// value names the valid ones, an unknown option or verb names itself. --help, 'help VERB' and --version still print
/// the parser's text, on standard output, and exit 0; no verb at all prints the verb list and exits 2.
/// </summary>
internal static class ParseErrors
{
    public static int Report(ParserResult<object> parsed, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var errors = parsed.Errors.ToList();
        if (errors.All(e => e is HelpRequestedError or HelpVerbRequestedError or VersionRequestedError))
        {
            stdout.WriteLine(HelpText.AutoBuild(parsed, h => HelpText.DefaultParsingErrorsHandler(parsed, h), e => e));
            return 0;
        }
        if (errors.Any(e => e is NoVerbSelectedError))
        {
            stderr.WriteLine(HelpText.AutoBuild(parsed, h => h, e => e, verbsIndex: true));
            return CliApp.ExitUsage;
        }
        var verb = parsed.TypeInfo.Current;
        foreach (var error in errors.DistinctBy(e => e.Tag)) stderr.WriteLine($"gpuengine: error: {Describe(error, verb, args)}");
        return CliApp.ExitUsage;
    }

    private static string Describe(Error error, Type verb, string[] args) => error switch
    {
        BadFormatConversionError bad => BadValue(bad.NameInfo, verb, args),
        MissingRequiredOptionError missing => $"--{missing.NameInfo.LongName} is required (see 'gpuengine help {VerbName(verb)}')",
        UnknownOptionError unknown => $"unknown option '{unknown.Token}' for '{VerbName(verb)}' (see 'gpuengine help {VerbName(verb)}')",
        BadVerbSelectedError badVerb => $"unknown verb '{badVerb.Token}'; verbs: {string.Join(", ", VerbNames())}",
        MissingValueOptionError value => $"--{value.NameInfo.LongName} needs a value",
        RepeatedOptionError repeated => $"--{repeated.NameInfo.LongName} is given more than once",
        SequenceOutOfRangeError sequence => $"--{sequence.NameInfo.LongName} has the wrong number of values",
        NamedError named => $"--{named.NameInfo.LongName}: {named.Tag}",
        TokenError token => $"'{token.Token}': {token.Tag}",
        _ => error.Tag.ToString(),
    };

    /// <summary>"--precision 'int4' is not valid; use fp32 or int8": the value as typed and what the option takes.</summary>
    private static string BadValue(NameInfo name, Type verb, string[] args)
    {
        var property = verb.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<OptionAttribute>() is { } o
            && (o.LongName == name.LongName || (name.ShortName.Length > 0 && o.ShortName == name.ShortName)));
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        string valid = type switch
        {
            { IsEnum: true } => "use " + Or(Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
            _ when type == typeof(int) || type == typeof(int?) => "give a whole number",
            _ when type == typeof(double) || type == typeof(double?) => "give a number",
            _ => "see 'gpuengine help " + VerbName(verb) + "'",
        };
        var value = ValueOf(args, name);
        return $"--{name.LongName} {(value is null ? "has a bad value" : $"'{value}' is not valid")}; {valid}";
    }

    private static string? ValueOf(string[] args, NameInfo name)
    {
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.StartsWith($"--{name.LongName}=", StringComparison.Ordinal)) return a[(name.LongName.Length + 3)..];
            if ((a == $"--{name.LongName}" || (name.ShortName.Length > 0 && a == $"-{name.ShortName}")) && i + 1 < args.Length) return args[i + 1];
        }
        return null;
    }

    private static string Or(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " or " + list[^1];
    }

    private static string VerbName(Type verb) => verb.GetCustomAttribute<VerbAttribute>()?.Name ?? "gpuengine";

    private static IEnumerable<string> VerbNames() => typeof(CliApp).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<VerbAttribute>()?.Name).OfType<string>().Order();
}
