namespace GpuEngine.Backends.OpenCl;

/// <summary>An OpenCL call failed: the message names the call, the error code's name and what was being done.</summary>
public sealed class OpenClException : GpuEngineException
{
    public OpenClException(string message, int errorCode = 0) : base(message) => ErrorCode = errorCode;

    /// <summary>The cl_int status (negative), or 0 when the failure is not a status code.</summary>
    public int ErrorCode { get; }

    /// <summary>Throws unless <paramref name="status"/> is CL_SUCCESS.</summary>
    internal static void Check(int status, string call, string? context = null)
    {
        if (status != OpenClNative.Success)
            throw new OpenClException($"OpenCL {call} failed with {Name(status)} ({status}){(context is null ? "" : $" {context}")}", status);
    }

    /// <summary>The CL_* name of the status codes this backend can meet.</summary>
    internal static string Name(int status) => status switch
    {
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -7 => "CL_PROFILING_INFO_NOT_AVAILABLE",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -30 => "CL_INVALID_VALUE",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -38 => "CL_INVALID_MEM_OBJECT",
        -43 => "CL_INVALID_BUILD_OPTIONS",
        -44 => "CL_INVALID_PROGRAM",
        -45 => "CL_INVALID_PROGRAM_EXECUTABLE",
        -46 => "CL_INVALID_KERNEL_NAME",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -53 => "CL_INVALID_WORK_DIMENSION",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -55 => "CL_INVALID_WORK_ITEM_SIZE",
        -58 => "CL_INVALID_EVENT",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -63 => "CL_INVALID_GLOBAL_WORK_SIZE",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR",
        _ => "CL error",
    };
}
