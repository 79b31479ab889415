namespace GpuEngine.Tests.Kernels;

/// <summary>
/// Devices whole sessions run on in tests: every backend that opens, without the slow cpu-threads variant, and
/// without ilgpu-cpu (every work item an OS thread: whole models take minutes there; its kernel tests cover it).
/// </summary>
public static class InferenceSessionDevices
{
    public static IEnumerable<string> List() => TestBackends.Names(small: false).Where(n => n != "cpu-threads");

    public static TheoryData<string> Names() => new(List());

    /// <summary><see cref="List"/> plus the slow reference backends, for graphs of a few small tensors.</summary>
    public static IEnumerable<string> SmallGraphList() => TestBackends.Names().Where(n => n != "cpu-threads");
}
