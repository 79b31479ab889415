using CommandLine;
using GpuEngine.Backends;

namespace GpuEngine.Cli.Verbs;

/// <summary><c>gpuengine devices</c>: each backend, whether it can start here and why not, its device, and what auto picks.</summary>
[Verb("devices", HelpText = "List the compute backends (cpu, ilgpu-cpu, opencl, cuda), whether each is available here, and which one --device auto picks.")]
public sealed class DevicesVerb : ICommand
{
    public int Execute(CommandContext context)
    {
        var probe = BackendFactory.Probe();
        int width = probe.Max(p => p.Name.Length);
        foreach (var p in probe)
        {
            string detail = p.Available ? p.DeviceDescription ?? "" : p.Reason;
            context.Out.WriteLine($"{p.Name.PadRight(width)}  {(p.Available ? "available  " : "unavailable")}  {detail}");
        }
        using var choice = BackendFactory.Choose("auto");
        context.Out.WriteLine(choice.Explanation);
        return 0;
    }
}
