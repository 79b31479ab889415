using System.Diagnostics;

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
/// worker threads (one fewer than the cores: the caller works too) takes one job at a time. After a job a worker
/// spins on the job number for <see cref="SpinMicroseconds"/> before it blocks, so the next launch of the same
/// inference finds it awake (waking a blocked thread costs tens of microseconds, as long as a small layer takes);
/// the spin yields the core to other runnable threads and is bounded, so a loaded machine loses little. A call made
/// while another job runs (a second session thread, or a body that loops in parallel itself) runs inline on its
/// caller, so the loop never blocks on itself.
/// </summary>
public static class CpuParallel
{
    private const long ActiveUnit = 1L << 32;

    // Declared before the fields: s_spinTicks reads it, and static initializers run in text order.
    /// <summary>
    /// How long an idle worker spins for the next job before it blocks: 100 µs unless GPUENGINE_CPU_SPIN_US says
    /// otherwise (0: block at once, the old behaviour).
    /// </summary>
    public static long SpinMicroseconds { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("GPUENGINE_CPU_SPIN_US"), out long us) && us >= 0 ? us : 100;

    private static readonly int s_workers = Math.Max(0, Environment.ProcessorCount - 1);
    private static readonly Worker[] s_pool = Workers(s_workers);
    private static readonly long s_spinTicks = SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
    private static readonly Lock s_job = new();
    private static ICpuParallelBody? s_body;
    private static int s_count, s_next, s_sequence, s_started;
    // Low 32 bits: tickets left for workers to join the open job (0: closed). High 32 bits: workers inside the job.
    // One word, so a worker joins and the caller closes without a window where neither sees the other.
    private static long s_gate;
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
        Exception? workerError;
        try
        {
            StartWorkers();
            s_body = body;
            s_count = count;
            Volatile.Write(ref s_next, -1);
            int helpers = Math.Min(s_workers, count - 1);
            Interlocked.Exchange(ref s_gate, helpers); // no worker is inside: the last job waited for them
            Interlocked.Increment(ref s_sequence);
            for (int w = 0; w < helpers; w++) s_pool[w].WakeIfAsleep();
            try
            {
                Drain(body, count);
            }
            catch
            {
                Volatile.Write(ref s_next, int.MaxValue - 1024); // the workers stop taking jobs
                throw;
            }
            finally
            {
                // Even when the caller's share threw: close the job to workers not yet inside (on a loaded machine
                // one may not have been scheduled yet; the caller did its share) and wait for those inside.
                Interlocked.And(ref s_gate, ~(ActiveUnit - 1));
                var spin = new SpinWait();
                while (Volatile.Read(ref s_gate) != 0) spin.SpinOnce();
                s_body = null;
                workerError = Interlocked.Exchange(ref s_error, null);
            }
        }
        finally
        {
            s_job.Exit();
        }
        // A worker's failure is the caller's: rethrown here, as Parallel.For would.
        if (workerError is not null) throw new AggregateException(workerError);
    }

    private static void Drain(ICpuParallelBody body, int count)
    {
        for (int i = Interlocked.Increment(ref s_next); i < count; i = Interlocked.Increment(ref s_next)) body.Run(i);
    }

    private static void StartWorkers()
    {
        if (Interlocked.Exchange(ref s_started, 1) == 1) return;
        for (int w = 0; w < s_workers; w++)
        {
            var worker = s_pool[w];
            new Thread(worker.Work) { IsBackground = true, Name = $"gpuengine-cpu-{w}" }.Start();
        }
    }

    /// <summary>Takes a ticket of the open job (and counts itself inside); false when it is closed or full.</summary>
    private static bool TryJoin()
    {
        long gate = Volatile.Read(ref s_gate);
        while ((int)gate > 0)
        {
            long seen = Interlocked.CompareExchange(ref s_gate, gate - 1 + ActiveUnit, gate);
            if (seen == gate) return true;
            gate = seen;
        }
        return false;
    }

    private static Worker[] Workers(int count)
    {
        var pool = new Worker[count];
        for (int w = 0; w < count; w++) pool[w] = new Worker();
        return pool;
    }

    /// <summary>One worker thread: spins for a new job number, blocks on its own semaphore when none comes.</summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private int _asleep;

        /// <summary>Releases the worker if it went to sleep; claiming its flag first means one release per sleep.</summary>
        public void WakeIfAsleep()
        {
            if (Volatile.Read(ref _asleep) == 1 && Interlocked.Exchange(ref _asleep, 0) == 1) _wake.Release();
        }

        public void Work()
        {
            int seen = Volatile.Read(ref s_sequence);
            while (true)
            {
                AwaitJob(seen);
                seen = Volatile.Read(ref s_sequence);
                if (!TryJoin()) continue;
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
                    Interlocked.Add(ref s_gate, -ActiveUnit);
                }
            }
        }

        /// <summary>Returns once the job number differs from <paramref name="seen"/> (or after a wake).</summary>
        private void AwaitJob(int seen)
        {
            long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
            var spin = new SpinWait();
            while (Volatile.Read(ref s_sequence) == seen)
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    spin.SpinOnce(sleep1Threshold: -1); // yields to other threads, never sleeps
                    continue;
                }
                // Flag first, then look again: a caller bumps the number first, then looks at the flag (both full
                // fences), so at least one of the two sees the other.
                Interlocked.Exchange(ref _asleep, 1);
                if (Volatile.Read(ref s_sequence) != seen && Interlocked.Exchange(ref _asleep, 0) == 1) return;
                _wake.Wait(); // the caller claimed the flag (or will): its release comes
                return;
            }
        }
    }
}
