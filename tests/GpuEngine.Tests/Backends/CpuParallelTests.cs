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
}
