
namespace GpuEngine.Tests.Kernels;

/// <summary>
/// Issue 12 item 7: a backend CI expects (cpu, opencl) that fails to open fails the run, and the log says which devices
/// the tests ran on.
/// </summary>
public class TestBackendsTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryExpectedBackendOpens()
    {
        var opened = TestBackends.Names().ToList();
        var failed = TestBackends.FailedToOpen;
        var line = $"test backends: {string.Join(", ", opened)}; not here: {(failed.Count == 0 ? "none" : string.Join("; ", failed.Select(f => $"{f.Key} ({f.Value})")))}";
        output.WriteLine(line);
        Console.WriteLine(line);
        var missing = TestBackends.Expected().Where(e => !opened.Contains(e)).ToList();
        Assert.True(missing.Count == 0, $"expected backends did not open: {string.Join("; ", missing.Select(m => $"{m}: {failed.GetValueOrDefault(m, "unknown backend")}"))}");
    }
}
