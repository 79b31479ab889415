namespace GpuEngine.Profiling.Measurement;

/// <summary>How many runs a profile takes.</summary>
/// <param name="Warmup">Untimed runs first: kernel compilation, caches, clocks settle.</param>
/// <param name="Runs">Timed runs, for each of the two measurements (end-to-end and per kernel).</param>
public sealed record ProfileOptions(int Warmup = 10, int Runs = 100)
{
    public void Check()
    {
        // Timings always follow a warm-up: the first run compiles kernels (opencl, cuda) and fills caches.
        if (Warmup < 1) throw new GpuEngineException($"--warmup must be at least 1 (the first run compiles kernels and fills caches and is never timed), got {Warmup}");
        if (Runs <= 0) throw new GpuEngineException($"--runs must be positive, got {Runs}");
    }
}
