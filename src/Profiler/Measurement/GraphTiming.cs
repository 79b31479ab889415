using GpuEngine.Execution;

namespace GpuEngine.Profiling.Measurement;

/// <summary>
/// End-to-end latency of one session both ways: its launches replayed as a CUDA graph, and the same launches one by
/// one. Each is the median of <c>runs</c> device-event intervals around a whole inference, after <c>warmup</c> runs.
/// </summary>
public static class GraphTiming
{
    public static (double GraphMs, double PlainMs) Measure(InferenceSession session, int warmup, int runs) =>
        (Median(session, true, warmup, runs), Median(session, false, warmup, runs));

    private static double Median(InferenceSession session, bool useGraph, int warmup, int runs)
    {
        var backend = session.Backend;
        for (int i = 0; i < Math.Max(1, warmup); i++) session.RunLaunches(useGraph);
        var samples = new double[Math.Max(1, runs)];
        for (int r = 0; r < samples.Length; r++)
        {
            using var start = backend.RecordEvent();
            session.RunLaunches(useGraph);
            using var end = backend.RecordEvent();
            samples[r] = backend.ElapsedMilliseconds(start, end);
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}
