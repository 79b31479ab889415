using GpuEngine.Execution;
using GpuEngine.Kernels;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// The bytes each kernel launch really loads and stores in device memory, counted by running every launch once more
/// with an <see cref="AccessCounter"/> (element accesses through device-memory views; group shared memory excluded).
/// Beside the analytic mem_rw this shows traffic amplification: halos and re-reads in convolutions, re-reads of
/// weights per output, tiling. Counting runs on the cpu backend, which executes the kernels' own C#; on OpenCL and
/// CUDA it is not available yet and the columns stay empty.
/// </summary>
public static class MeasuredTraffic
{
    /// <summary>Bytes per launch in launch order, or null where the backend cannot count.</summary>
    public static IReadOnlyList<long>? Count(InferenceSession session)
    {
        if (session.Backend.Name != "cpu") return null;
        var bytes = new long[session.Launches.Count];
        for (int i = 0; i < bytes.Length; i++)
        {
            using var counter = AccessCounter.Start();
            session.Launches[i].Run(session.Backend);
            session.Backend.Synchronize();
            bytes[i] = counter.Bytes;
        }
        return bytes;
    }
}
