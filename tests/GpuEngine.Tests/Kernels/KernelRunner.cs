using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Kernels;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// Test-side convenience over a backend: uploads host arrays into one buffer each (with sentinel bytes
/// around them to catch out-of-range writes), launches, and reads results back.
/// </summary>
public sealed class KernelRunner(Backend backend) : IDisposable
{
    private const int GuardBytes = 64;
    private const byte Sentinel = 0xA5;
    private readonly List<(DeviceBuffer Buffer, long Bytes)> _buffers = [];

    /// <summary>Uploads <paramref name="data"/> and returns its view argument (offset past the leading guard).</summary>
    public KernelArgument Upload<T>(T[] data) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        var buffer = backend.Allocate(bytes.Length + 2 * GuardBytes);
        var staged = new byte[bytes.Length + 2 * GuardBytes];
        staged.AsSpan().Fill(Sentinel);
        bytes.CopyTo(staged.AsSpan(GuardBytes));
        backend.Upload(buffer, 0, staged);
        _buffers.Add((buffer, bytes.Length));
        return KernelArgument.View(buffer, GuardBytes, data.Length);
    }

    /// <summary>Reads a view back and checks its guards are intact.</summary>
    public T[] Download<T>(KernelArgument view) where T : unmanaged
    {
        var all = new byte[view.Buffer!.Bytes];
        backend.Download(view.Buffer, 0, all);
        for (int i = 0; i < GuardBytes; i++)
        {
            Assert.True(all[i] == Sentinel, "write before the start of a view");
            Assert.True(all[^(i + 1)] == Sentinel, "write past the end of a view");
        }
        return MemoryMarshal.Cast<byte, T>(all.AsSpan(GuardBytes, all.Length - 2 * GuardBytes)).ToArray();
    }

    /// <summary>Launches with views followed by <paramref name="scalars"/>, and waits.</summary>
    public void Launch(KernelDescriptor kernel, LaunchGrid grid, KernelArgument v0, KernelArgument v1, KernelArgument v2, KernelArgument v3, KernelArgument[] scalars) =>
        Launch(kernel, grid, [v0, v1, v2, v3, .. scalars]);

    /// <summary>Launches and waits.</summary>
    public void Launch(KernelDescriptor kernel, LaunchGrid grid, params KernelArgument[] arguments)
    {
        backend.Launch(kernel, grid, arguments);
        backend.Synchronize();
    }

    public void Dispose()
    {
        foreach (var (buffer, _) in _buffers) buffer.Dispose();
    }
}
