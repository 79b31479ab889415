using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Execution.Tactics;
using GpuEngine.Kernels;
using GpuEngine.Tests.Kernels;

namespace GpuEngine.Tests.Execution;

/// <summary>
/// Runs one reference kernel launch on the cpu backend and the cpu SIMD tactic that applies to it, each into its own
/// output view (the tactic's poisoned first, guards around both), and returns both outputs.
/// </summary>
internal static class SimdTacticHarness
{
    /// <summary>
    /// The reference's and the tactic's output of <paramref name="kernel"/> over <paramref name="arguments"/>, where argument
    /// <paramref name="written"/> is a view of <paramref name="outputLength"/> elements the launch writes; the tactic must
    /// be named <paramref name="tacticKernel"/> and report <paramref name="written"/>.
    /// </summary>
    public static (T[] Reference, T[] Simd) Run<T>(KernelRunner run, Backend backend, KernelDescriptor kernel, LaunchGrid grid,
        KernelArgument[] arguments, int written, int outputLength, string tacticKernel) where T : unmanaged
    {
        var referenceOutput = run.Upload(new T[outputLength]);
        var simdOutput = run.Upload(Poison<T>(outputLength));
        var referenceArguments = (KernelArgument[])arguments.Clone();
        referenceArguments[written] = referenceOutput;
        run.Launch(kernel, grid, referenceArguments);
        var simdArguments = (KernelArgument[])arguments.Clone();
        simdArguments[written] = simdOutput;
        var candidate = Assert.Single(CpuTactics.Candidates(new KernelLaunch(null!, kernel, grid, simdArguments)));
        Assert.Equal(tacticKernel, candidate.Launch.Kernel.Name);
        Assert.Equal(written, candidate.Written);
        candidate.Launch.Run(backend);
        backend.Synchronize();
        return (run.Download<T>(referenceOutput), run.Download<T>(simdOutput));
    }

    /// <summary>Every byte 0xA5 ... inverted: a value no kernel writes by chance, so an element left unwritten shows.</summary>
    private static T[] Poison<T>(int length) where T : unmanaged
    {
        var data = new T[length];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).Fill(0x5A);
        return data;
    }
}
