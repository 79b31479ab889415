namespace GpuEngine.Backends.Cpu;

/// <summary>Work split over the cpu device's threads: <see cref="Run"/> is called once per index.</summary>
public interface ICpuParallelBody
{
    /// <summary>Runs work item <paramref name="index"/>; called from several threads at once, each index once.</summary>
    void Run(int index);
}

/// <summary>
/// An allocation-free parallel loop for the cpu device's kernels. <see cref="System.Threading.Tasks.Parallel.For(int, int, Action{int})"/>
/// allocates its state and closures on every call, which a steady-state inference must not; here a fixed set of
/// worker threads (one fewer than the cores: the caller works too) waits for one job at a time. A call made while
/// another job runs (a second session thread, or a body that loops in parallel itself) runs inline on its caller,
/// so the loop never blocks on itself.
/// </summary>
public static class CpuParallel
{
    private static readonly int s_workers = Math.Max(0, Environment.ProcessorCount - 1);
    private static readonly SemaphoreSlim s_wake = new(0);
    private static readonly Lock s_job = new();
    private static ICpuParallelBody? s_body;
    private static int s_count, s_next, s_pending;
    private static int s_started;
    private static Exception? s_error;

    /// <summary>Calls <paramref name="body"/> for every index in [0, <paramref name="count"/>), spread over the cores; returns when all are done.</summary>
    public static void For(int count, ICpuParallelBody body)
    {
        if (count <= 0) return;
        // IsHeldByCurrentThread: the lock is re-entrant, so a body running on the caller's thread that loops again
        // would otherwise take it a second time and start a job over the one still running.
        if (count == 1 || s_workers == 0 || s_job.IsHeldByCurrentThread || !s_job.TryEnter())
        {
            for (int i = 0; i < count; i++) body.Run(i);
            return;
        }
        try
        {
            StartWorkers();
            s_body = body;
            s_count = count;
            Volatile.Write(ref s_next, -1);
            int helpers = Math.Min(s_workers, count - 1);
            Volatile.Write(ref s_pending, helpers);
            s_wake.Release(helpers);
            try
            {
                Drain(body, count);
            }
            finally
            {
                // Even when the caller's share threw: the workers must be done with the body before the next job.
                var spin = new SpinWait();
                while (Volatile.Read(ref s_pending) > 0) spin.SpinOnce();
                s_body = null;
            }
            // A worker's failure is the caller's: rethrown here, as Parallel.For would.
            if (Interlocked.Exchange(ref s_error, null) is { } error) throw new AggregateException(error);
        }
        finally
        {
            s_job.Exit();
        }
    }

    private static void Drain(ICpuParallelBody body, int count)
    {
        for (int i = Interlocked.Increment(ref s_next); i < count; i = Interlocked.Increment(ref s_next)) body.Run(i);
    }

    private static void StartWorkers()
    {
        if (Interlocked.Exchange(ref s_started, 1) == 1) return;
        for (int w = 0; w < s_workers; w++)
            new Thread(Work) { IsBackground = true, Name = $"gpuengine-cpu-{w}" }.Start();
    }

    private static void Work()
    {
        while (true)
        {
            s_wake.Wait();
            try
            {
                Drain(s_body!, s_count);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref s_error, e, null);
                Volatile.Write(ref s_next, int.MaxValue - 1024);
            }
            finally
            {
                Interlocked.Decrement(ref s_pending);
            }
        }
    }
}
