using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>The CPU bodies of the atomics hold up under real contention.</summary>
public class AtomicTests
{
    [Fact]
    public void Add_Int_CountsEveryIncrement()
    {
        var view = new View<int>(new int[3]);
        Parallel.For(0, 20000, i => CpuAtomic.Add(view, i % 3, 2));
        Assert.Equal([13334, 13334, 13332], new[] { view[0], view[1], view[2] });
    }

    [Fact]
    public void Add_Float_LosesNoUpdate()
    {
        // Quarters add exactly in float up to 2^22, so any lost update shows.
        var view = new View<float>(new float[1]);
        Parallel.For(0, 40000, _ => CpuAtomic.Add(view, 0, 0.25f));
        Assert.Equal(10000f, view[0]);
    }

    [Fact]
    public void Max_KeepsTheLargest()
    {
        var view = new View<int>([int.MinValue]);
        Parallel.For(-5000, 5000, i => CpuAtomic.Max(view, 0, i * 7 % 9973));
        Assert.Equal(Enumerable.Range(-5000, 10000).Max(i => i * 7 % 9973), view[0]);
    }
}
