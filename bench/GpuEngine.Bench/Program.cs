using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GpuEngine.Bench;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/GpuEngine.Bench -- --filter '*'</c> (BenchmarkDotNet), or
/// <c>-- kernels cpu opencl</c> for device-timed kernels (<see cref="KernelTimings"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "kernels") KernelTimings.Run(args[1..], repeats: 3);
        // Case names ("opencl repvgg-a0 7 Conv2dKernels.Conv2d 1x48x56x56->1x48x28x28") say what ran: keep them whole.
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args, DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(100)));
    }
}
