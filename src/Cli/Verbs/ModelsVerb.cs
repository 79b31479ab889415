using CommandLine;
using GpuEngine.Zoo;

namespace GpuEngine.Cli.Verbs;

/// <summary><c>gpuengine models</c>: the zoo, one model a line.</summary>
[Verb("models", HelpText = "List the models of the built-in zoo.")]
public sealed class ModelsVerb : ICommand
{
    public int Execute(CommandContext context)
    {
        int width = ModelZoo.All.Max(m => m.Name.Length);
        foreach (var m in ModelZoo.All)
            context.Out.WriteLine($"{m.Name.PadRight(width)}  {m.Family,-11}  input {m.DefaultInput,-12}  classes {m.DefaultClasses,-5}  {m.Description}");
        return 0;
    }
}
