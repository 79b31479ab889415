namespace GpuEngine.Tests.Kernels;

/// <summary>Devices whole sessions run on in tests: every backend that opens, without the slow cpu-threads variant.</summary>
public static class InferenceSessionDevices
{
    public static IEnumerable<string> List() => TestBackends.Names().Where(n => n != "cpu-threads");

    public static TheoryData<string> Names() => new(List());
}
