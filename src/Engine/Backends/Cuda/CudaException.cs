using System.Runtime.InteropServices;

namespace GpuEngine.Backends.Cuda;

/// <summary>A CUDA driver or NVRTC call failed: the message names the call, the error's name and what was being done.</summary>
public sealed class CudaException : GpuEngineException
{
    public CudaException(string message, int errorCode = 0) : base(message) => ErrorCode = errorCode;

    /// <summary>The CUresult or nvrtcResult, or 0 when the failure is not a status code.</summary>
    public int ErrorCode { get; }

    /// <summary>Throws unless <paramref name="result"/> is CUDA_SUCCESS.</summary>
    internal static void Check(int result, string call, string? context = null)
    {
        if (result != 0)
            throw new CudaException($"CUDA {call} failed with {Describe(result)}{(context is null ? "" : $" {context}")}", result);
    }

    /// <summary>"CUDA_ERROR_X (n): text" from cuGetErrorName/String, or the number alone when the driver does not know it.</summary>
    internal static unsafe string Describe(int result)
    {
        byte* name = null, text = null;
        if (CudaNative.cuGetErrorName(result, &name) != 0 || name == null) return $"CUresult {result}";
        CudaNative.cuGetErrorString(result, &text);
        string n = Marshal.PtrToStringUTF8((nint)name) ?? "?";
        return text == null ? $"{n} ({result})" : $"{n} ({result}): {Marshal.PtrToStringUTF8((nint)text)}";
    }
}
