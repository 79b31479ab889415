using BenchmarkDotNet.Attributes;
using GpuEngine.Backends;
using GpuEngine.Backends.Cpu;
using GpuEngine.Kernels;

namespace GpuEngine.Bench;

/// <summary>
/// The cpu device's fixed costs per launch (issue 17): a one-element, one-work-item ReLU through
/// <see cref="Backend.Launch"/> (argument checks, the bound-launch lookup, the dispatch: what every launch of a session
/// pays before its kernel does any work), and <see cref="CpuParallel.For"/> over two empty jobs back to back (what
/// handing half a launch to the other core costs) beside the same two jobs inline, empty and about 10 µs each.
/// </summary>
[MemoryDiagnoser]
public class CpuLaunchBenchmarks
{
    private sealed class Nothing : ICpuParallelBody
    {
        public int Calls;
        public void Run(int index) => Interlocked.Increment(ref Calls);
    }

    /// <summary>About 10 µs of dependent arithmetic per job: a small layer's share of one core.</summary>
    private sealed class Work : ICpuParallelBody
    {
        public readonly double[] Sums = new double[2];
        public void Run(int index)
        {
            double x = index + 1;
            for (int i = 0; i < 10_000; i++) x = x * 0.999999 + 1e-3;
            Sums[index] = x;
        }
    }

    private readonly Nothing _nothing = new();
    private readonly Work _work = new();
    private CpuBackend _backend = null!;
    private DeviceBuffer _input = null!, _output = null!;
    private KernelArgument[] _arguments = [];
    private static readonly LaunchGrid OneItem = new(new Dim3(1), new Dim3(1));

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend();
        _input = _backend.Allocate(4);
        _output = _backend.Allocate(4);
        _arguments = [KernelArgument.View(_input, 0, 1), KernelArgument.View(_output, 0, 1), KernelArgument.Int(1)];
        _backend.Launch(GeneratedKernels.ActivationKernels_Relu, OneItem, _arguments);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _output.Dispose();
        _backend.Dispose();
    }

    [Benchmark(Description = "Launch: 1-element ReLU, one work item")]
    public void TinyLaunch() => _backend.Launch(GeneratedKernels.ActivationKernels_Relu, OneItem, _arguments);

    [Benchmark(Description = "CpuParallel.For: 2 empty jobs")]
    public void ParallelTwo() => CpuParallel.For(2, _nothing);

    [Benchmark(Description = "CpuParallel.For: 2 jobs of ~10 us")]
    public void ParallelTwoWorking() => CpuParallel.For(2, _work);

    [Benchmark(Description = "inline: 2 jobs of ~10 us")]
    public void InlineTwoWorking()
    {
        _work.Run(0);
        _work.Run(1);
    }

    [Benchmark(Baseline = true, Description = "inline: 2 empty jobs")]
    public void InlineTwo()
    {
        _nothing.Run(0);
        _nothing.Run(1);
    }
}
