namespace GpuEngine.Backends.OpenCl;

/// <summary>Platform and device discovery: a GPU on any platform first, else the first device of any type.</summary>
internal static unsafe class OpenClDevice
{
    /// <summary>The chosen (platform, device); <see cref="BackendUnavailableException"/> when there is none.</summary>
    public static (nint Platform, nint Device) Find()
    {
        uint count;
        int status = OpenClNative.clGetPlatformIDs(0, null, &count);
        // ocl-icd answers CL_PLATFORM_NOT_FOUND_KHR (-1001) when no ICD file is installed.
        if (status != OpenClNative.Success || count == 0)
            throw new BackendUnavailableException("OpenCL", $"no OpenCL platform found ({OpenClException.Name(status)}; install a driver such as pocl-opencl-icd)");
        var platforms = new nint[count];
        fixed (nint* p = platforms) OpenClException.Check(OpenClNative.clGetPlatformIDs(count, p, null), "clGetPlatformIDs");
        foreach (ulong type in new[] { OpenClNative.DeviceTypeGpu, OpenClNative.DeviceTypeAll })
            foreach (var platform in platforms)
            {
                nint device;
                uint found;
                if (OpenClNative.clGetDeviceIDs(platform, type, 1, &device, &found) == OpenClNative.Success && found > 0)
                    return (platform, device);
            }
        string hint = Environment.GetEnvironmentVariable("POCL_CACHE_DIR") is { Length: > 0 } dir
            ? $"; PoCL also reports no device when its cache directory ({dir}) is not writable" : "";
        throw new BackendUnavailableException("OpenCL", $"{count} platform(s) but no device{hint}");
    }

    /// <summary>Whether the device's CL_DEVICE_TYPE includes CL_DEVICE_TYPE_CPU (PoCL's pthread device, Intel's CPU runtime).</summary>
    public static bool IsCpu(nint device)
    {
        ulong type;
        OpenClException.Check(OpenClNative.clGetDeviceInfo(device, OpenClNative.DeviceType, sizeof(ulong), &type, null), "clGetDeviceInfo");
        return (type & OpenClNative.DeviceTypeCpu) != 0;
    }

    /// <summary>The device's CL_DEVICE_MAX_COMPUTE_UNITS.</summary>
    public static int ComputeUnits(nint device)
    {
        uint units;
        OpenClException.Check(OpenClNative.clGetDeviceInfo(device, OpenClNative.DeviceMaxComputeUnits, sizeof(uint), &units, null), "clGetDeviceInfo");
        return (int)units;
    }

    /// <summary>"platform: device (vendor), N compute units, OpenCL C x.y, driver v".</summary>
    public static string Describe(nint platform, nint device)
    {
        string platformName = OpenClNative.InfoString(&OpenClNative.clGetPlatformInfo, platform, OpenClNative.PlatformName);
        string name = OpenClNative.InfoString(&OpenClNative.clGetDeviceInfo, device, OpenClNative.DeviceName);
        string vendor = OpenClNative.InfoString(&OpenClNative.clGetDeviceInfo, device, OpenClNative.DeviceVendor);
        string cVersion = OpenClNative.InfoString(&OpenClNative.clGetDeviceInfo, device, OpenClNative.DeviceOpenClCVersion);
        string driver = OpenClNative.InfoString(&OpenClNative.clGetDeviceInfo, device, OpenClNative.DriverVersion);
        uint units;
        OpenClException.Check(OpenClNative.clGetDeviceInfo(device, OpenClNative.DeviceMaxComputeUnits, sizeof(uint), &units, null), "clGetDeviceInfo");
        return $"{platformName}: {name} ({vendor}), {units} compute units, {cVersion}, driver {driver}";
    }
}
