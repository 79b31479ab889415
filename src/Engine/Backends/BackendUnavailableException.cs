namespace GpuEngine.Backends;

/// <summary>
/// A backend cannot start on this machine: its native library is missing, or it finds no device.
/// The message is one plain line, e.g. "CUDA is not available: libcuda.so.1 not found (install the NVIDIA driver)";
/// <see cref="Reason"/> is the part after the colon, for BackendFactory's explanations.
/// </summary>
public sealed class BackendUnavailableException : GpuEngineException
{
    public BackendUnavailableException(string backend, string reason)
        : base($"{backend} is not available: {reason}")
    {
        Backend = backend;
        Reason = reason;
    }

    /// <summary>The backend in words: OpenCL, CUDA.</summary>
    public string Backend { get; }

    /// <summary>Why it is unavailable, without the backend's name.</summary>
    public string Reason { get; }
}

/// <summary>A --device name that is none of <see cref="BackendFactory.DeviceNames"/>; the message lists them.</summary>
public sealed class UnknownDeviceException(string message) : GpuEngineException(message);
