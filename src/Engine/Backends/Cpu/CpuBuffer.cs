namespace GpuEngine.Backends.Cpu;

/// <summary>CPU "device" memory: a pinned managed byte array (pinned so it can later be handed to native code without copying).</summary>
public sealed class CpuBuffer : DeviceBuffer
{
    internal CpuBuffer(long bytes) : base(bytes)
    {
        if (bytes > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"the cpu backend holds buffers up to {Array.MaxLength} bytes, asked for {bytes}");
        Data = GC.AllocateUninitializedArray<byte>((int)bytes, pinned: true);
    }

    /// <summary>The bytes; kernels view them through <see cref="GpuEngine.Kernels.View{T}"/>.</summary>
    internal byte[] Data { get; }

    /// <summary>Nothing to release: the array goes with the garbage collector.</summary>
    public override void Dispose() { }
}

/// <summary>A host timestamp taken when the event was recorded (launches are synchronous on the cpu backend).</summary>
public sealed class CpuEvent(long timestamp) : DeviceEvent
{
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public long Timestamp { get; } = timestamp;
}
