using GpuEngine.Backends.Cpu;

namespace GpuEngine.Tests.Backends;

public class CpuParallelTests
{
    private sealed class Marks(int count) : ICpuParallelBody
    {
        public readonly int[] Seen = new int[count];
        public void Run(int index) => Interlocked.Increment(ref Seen[index]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void EveryIndexRunsExactlyOnce(int count)
    {
        var body = new Marks(count);
        CpuParallel.For(count, body);
        Assert.All(body.Seen, n => Assert.Equal(1, n));
    }

    private sealed class Nested : ICpuParallelBody
    {
        public readonly Marks Inner = new(64 * 8);
        public void Run(int index) => CpuParallel.For(64, new Offset(Inner, index * 64));
    }

    private sealed class Offset(Marks marks, int start) : ICpuParallelBody
    {
        public void Run(int index) => marks.Run(start + index);
    }

    [Fact]
    public void ALoopInsideALoopRunsInlineWithoutDeadlock()
    {
        var body = new Nested();
        CpuParallel.For(8, body);
        Assert.All(body.Inner.Seen, n => Assert.Equal(1, n));
    }

    private sealed class Throws : ICpuParallelBody
    {
        public void Run(int index)
        {
            if (index == 37) throw new InvalidOperationException("index 37");
        }
    }

    [Fact]
    public void AFailureReachesTheCallerAndTheLoopStaysUsable()
    {
        var error = Record.Exception(() => CpuParallel.For(100, new Throws()));
        Assert.Contains("index 37", error!.ToString());
        var body = new Marks(50);
        CpuParallel.For(50, body);
        Assert.All(body.Seen, n => Assert.Equal(1, n));
    }

    [Fact]
    public void SteadyStateCallsAllocateNothingOnTheCaller()
    {
        var body = new Marks(256);
        CpuParallel.For(256, body);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) CpuParallel.For(256, body);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(body.Seen, n => Assert.Equal(101, n));
    }

    private sealed class ThrowsEverywhere : ICpuParallelBody
    {
        public void Run(int index)
        {
            Thread.SpinWait(200); // long enough that the worker is inside the job too
            throw new InvalidOperationException($"index {index}");
        }
    }

    [Fact]
    public void FailuresOnTheCallerAndAWorkerLeaveNoStaleErrorForTheNextJob()
    {
        for (int round = 0; round < 50; round++)
        {
            Assert.NotNull(Record.Exception(() => CpuParallel.For(64, new ThrowsEverywhere())));
            var body = new Marks(33);
            CpuParallel.For(33, body);
            Assert.All(body.Seen, n => Assert.Equal(1, n));
        }
    }

    [Fact]
    public void JobsAfterIdleGapsFindTheWorkersAsleepOrAwakeAndRunEveryIndex()
    {
        // Gaps around the spin time: a worker goes to sleep between some jobs and is still spinning between others,
        // so both ways of taking a job (and the race between them) are exercised.
        var random = new Random(17);
        for (int round = 0; round < 300; round++)
        {
            int count = random.Next(2, 40);
            var body = new Marks(count);
            CpuParallel.For(count, body);
            Assert.All(body.Seen, n => Assert.Equal(1, n));
            if (round % 3 == 0) Thread.Sleep(random.Next(0, 2));
            else Thread.SpinWait(random.Next(0, 20_000));
        }
    }

    [Fact]
    public void TwoThreadsLoopingAtOnceEachRunEveryIndexOfTheirOwnJobs()
    {
        const int Rounds = 400;
        var results = new bool[2];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            bool ok = true;
            for (int round = 0; round < Rounds; round++)
            {
                var body = new Marks(17 + t * 13 + round % 7);
                CpuParallel.For(body.Seen.Length, body);
                ok &= body.Seen.All(n => n == 1);
            }
            results[t] = ok;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal([true, true], results);
    }

    private sealed class NestedFromWorkers : ICpuParallelBody
    {
        public readonly Marks Inner = new(16 * 5);
        public void Run(int index)
        {
            Thread.SpinWait(2000); // spread the outer indices over the caller and the workers
            CpuParallel.For(5, new Offset(Inner, index * 5));
        }
    }

    [Fact]
    public void ALoopInsideAWorkersJobRunsInlineAndEveryInnerIndexOnce()
    {
        for (int round = 0; round < 20; round++)
        {
            var body = new NestedFromWorkers();
            CpuParallel.For(16, body);
            Assert.All(body.Inner.Seen, n => Assert.Equal(1, n));
        }
    }
}
