namespace GpuEngine.Profiling.Measurement;

/// <summary>How many runs a profile takes.</summary>
/// <param name="Warmup">Untimed runs first: kernel compilation, caches, clocks settle.</param>
/// <param name="Runs">Timed runs, for each of the two measurements (end-to-end and per kernel).</param>
public sealed record ProfileOptions(int Warmup = 10, int Runs = 100)
{
    public void Check()
    {
        if (Warmup < 0) throw new GpuEngineException($"--warmup must not be negative, got {Warmup}");
        if (Runs <= 0) throw new GpuEngineException($"--runs must be positive, got {Runs}");
    }
}
