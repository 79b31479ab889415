using BenchmarkDotNet.Running;

namespace GpuEngine.Bench;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/GpuEngine.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
