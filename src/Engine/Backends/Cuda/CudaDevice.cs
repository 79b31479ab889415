using System.Text;

namespace GpuEngine.Backends.Cuda;

/// <summary>Driver start-up and device queries. Every "cannot start" outcome is a <see cref="BackendUnavailableException"/>.</summary>
internal static unsafe class CudaDevice
{
    private static readonly Lazy<(NvrtcNative? Nvrtc, string Reason)> Nvrtc = new(() => (NvrtcNative.TryLoad(out var reason), reason));

    /// <summary>Initializes the driver and returns device 0 and the loaded NVRTC, or throws why not.</summary>
    public static (int Device, NvrtcNative Nvrtc) Open()
    {
        if (!CudaNative.IsDriverPresent())
            throw new BackendUnavailableException("CUDA", $"{CudaNative.Library} not found (install the NVIDIA driver)");
        int result = CudaNative.cuInit(0);
        if (result == CudaNative.ErrorNoDevice)
            throw new BackendUnavailableException("CUDA", "the driver found no CUDA device");
        if (result != 0)
            throw new BackendUnavailableException("CUDA", $"cuInit failed with {CudaException.Describe(result)}");
        int count;
        CudaException.Check(CudaNative.cuDeviceGetCount(&count), "cuDeviceGetCount");
        if (count == 0) throw new BackendUnavailableException("CUDA", "the driver found no CUDA device");
        var (nvrtc, reason) = Nvrtc.Value;
        if (nvrtc is null) throw new BackendUnavailableException("CUDA", reason);
        int device;
        CudaException.Check(CudaNative.cuDeviceGet(&device, 0), "cuDeviceGet", "for device 0");
        return (device, nvrtc);
    }

    /// <summary>Compute capability as one number: 9.0 is 90, 8.6 is 86.</summary>
    public static int ComputeCapability(int device) =>
        Attribute(device, CudaNative.AttributeComputeCapabilityMajor) * 10 + Attribute(device, CudaNative.AttributeComputeCapabilityMinor);

    /// <summary>"NVIDIA H100 80GB HBM3, compute capability 9.0, 132 SMs, 79.1 GiB, CUDA driver 12.4".</summary>
    public static string Describe(int device)
    {
        var name = new byte[256];
        fixed (byte* p = name) CudaException.Check(CudaNative.cuDeviceGetName(p, name.Length, device), "cuDeviceGetName");
        nuint bytes;
        CudaException.Check(CudaNative.cuDeviceTotalMem_v2(&bytes, device), "cuDeviceTotalMem");
        int driver;
        CudaException.Check(CudaNative.cuDriverGetVersion(&driver), "cuDriverGetVersion");
        int cc = ComputeCapability(device);
        string text = Encoding.UTF8.GetString(name).TrimEnd('\0');
        int end = text.IndexOf('\0');
        if (end >= 0) text = text[..end];
        return $"{text}, compute capability {cc / 10}.{cc % 10}, {Attribute(device, CudaNative.AttributeMultiprocessorCount)} SMs, " +
               $"{bytes / (1024.0 * 1024 * 1024):F1} GiB, CUDA driver {driver / 1000}.{driver % 1000 / 10}";
    }

    private static int Attribute(int device, int attribute)
    {
        int value;
        CudaException.Check(CudaNative.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute", $"attribute {attribute}");
        return value;
    }
}
