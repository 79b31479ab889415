using System.Runtime.InteropServices;

namespace GpuEngine.Backends.OpenCl;

/// <summary>
/// The OpenCL 1.2 C API, bound by exact soname: Debian's ocl-icd ships only <c>libOpenCL.so.1</c>
/// (the unversioned name comes with the -dev package), so "OpenCL" would not resolve.
/// Handles are opaque pointers; sizes are size_t (nuint).
/// </summary>
internal static unsafe partial class OpenClNative
{
    public const string Library = "libOpenCL.so.1";

    public const int Success = 0;
    public const int DeviceNotFound = -1;
    public const int BuildProgramFailure = -11;

    public const ulong DeviceTypeCpu = 1 << 1;
    public const ulong DeviceTypeGpu = 1 << 2;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;
    public const ulong MemReadWrite = 1 << 0;
    public const ulong QueueProfilingEnable = 1 << 1;

    public const uint PlatformName = 0x0902;
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DriverVersion = 0x102D;
    public const uint DeviceOpenClCVersion = 0x103D;
    public const uint ProgramBuildLog = 0x1183;
    public const uint ProfilingCommandStart = 0x1282;
    public const uint ProfilingCommandEnd = 0x1283;

    [LibraryImport(Library)] public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);
    [LibraryImport(Library)] public static partial int clGetPlatformInfo(nint platform, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Library)] public static partial int clGetDeviceIDs(nint platform, ulong type, uint numEntries, nint* devices, uint* numDevices);
    [LibraryImport(Library)] public static partial int clGetDeviceInfo(nint device, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Library)] public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* error);
    [LibraryImport(Library)] public static partial nint clCreateCommandQueue(nint context, nint device, ulong properties, int* error);
    [LibraryImport(Library)] public static partial nint clCreateBuffer(nint context, ulong flags, nuint size, void* hostPtr, int* error);
    [LibraryImport(Library)] public static partial int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr, uint numWait, nint* waitList, nint* evt);
    [LibraryImport(Library)] public static partial int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr, uint numWait, nint* waitList, nint* evt);
    [LibraryImport(Library)] public static partial nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* error);
    [LibraryImport(Library)] public static partial int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);
    [LibraryImport(Library)] public static partial int clGetProgramBuildInfo(nint program, nint device, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Library)] public static partial nint clCreateKernel(nint program, byte* name, int* error);
    [LibraryImport(Library)] public static partial int clSetKernelArg(nint kernel, uint index, nuint size, void* value);
    [LibraryImport(Library)] public static partial int clEnqueueNDRangeKernel(nint queue, nint kernel, uint workDim, nuint* globalOffset, nuint* globalSize, nuint* localSize, uint numWait, nint* waitList, nint* evt);
    [LibraryImport(Library)] public static partial int clEnqueueMarkerWithWaitList(nint queue, uint numWait, nint* waitList, nint* evt);
    [LibraryImport(Library)] public static partial int clGetEventProfilingInfo(nint evt, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Library)] public static partial int clWaitForEvents(uint numEvents, nint* events);
    [LibraryImport(Library)] public static partial int clFinish(nint queue);
    [LibraryImport(Library)] public static partial int clReleaseMemObject(nint buffer);
    [LibraryImport(Library)] public static partial int clReleaseKernel(nint kernel);
    [LibraryImport(Library)] public static partial int clReleaseProgram(nint program);
    [LibraryImport(Library)] public static partial int clReleaseCommandQueue(nint queue);
    [LibraryImport(Library)] public static partial int clReleaseContext(nint context);
    [LibraryImport(Library)] public static partial int clReleaseEvent(nint evt);

    /// <summary>Whether the ICD loader can be loaded at all (checked before the first call, for a plain message).</summary>
    public static bool IsLoaderPresent()
    {
        if (!NativeLibrary.TryLoad(Library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>A string-valued device or platform query, read in two calls (size, then text).</summary>
    public static string InfoString(delegate*<nint, uint, nuint, void*, nuint*, int> query, nint handle, uint param)
    {
        nuint size;
        OpenClException.Check(query(handle, param, 0, null, &size), "clGet*Info");
        var bytes = new byte[(int)size];
        fixed (byte* p = bytes) OpenClException.Check(query(handle, param, size, p, null), "clGet*Info");
        return System.Text.Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }
}
