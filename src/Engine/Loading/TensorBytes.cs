using System.Buffers.Binary;
using System.Runtime.InteropServices;
using GpuEngine.Ir;

namespace GpuEngine.Loading;

/// <summary>Little-endian conversions between tensor data and the byte layouts of .npy, safetensors and ONNX raw_data.</summary>
internal static class TensorBytes
{
    /// <summary>Copies a little-endian payload into a new tensor. The caller has checked the length.</summary>
    public static Tensor FromBytes(TensorShape shape, DataType type, ReadOnlySpan<byte> bytes)
    {
        Array data = type switch
        {
            DataType.Float32 => new float[shape.Elements],
            DataType.Int8 => new sbyte[shape.Elements],
            _ => new int[shape.Elements],
        };
        Span<byte> target = type switch
        {
            DataType.Float32 => MemoryMarshal.AsBytes(((float[])data).AsSpan()),
            DataType.Int8 => MemoryMarshal.AsBytes(((sbyte[])data).AsSpan()),
            _ => MemoryMarshal.AsBytes(((int[])data).AsSpan()),
        };
        bytes[..target.Length].CopyTo(target);
        // Every machine .NET runs on here is little-endian; keep big-endian hosts correct anyway.
        if (!BitConverter.IsLittleEndian && type != DataType.Int8)
        {
            var words = MemoryMarshal.Cast<byte, int>(target);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        return new Tensor(shape, type, data);
    }

    /// <summary>Writes the tensor's data little-endian into <paramref name="target"/> (exactly <see cref="Tensor.Bytes"/> long).</summary>
    public static void CopyTo(Tensor tensor, Span<byte> target)
    {
        ReadOnlySpan<byte> source = tensor.DataType switch
        {
            DataType.Float32 => MemoryMarshal.AsBytes(((float[])tensor.Data).AsSpan()),
            DataType.Int8 => MemoryMarshal.AsBytes(((sbyte[])tensor.Data).AsSpan()),
            _ => MemoryMarshal.AsBytes(((int[])tensor.Data).AsSpan()),
        };
        source.CopyTo(target);
        if (!BitConverter.IsLittleEndian && tensor.DataType != DataType.Int8)
        {
            var words = MemoryMarshal.Cast<byte, int>(target[..source.Length]);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    /// <summary>The tensor's data as little-endian bytes.</summary>
    public static byte[] ToBytes(Tensor tensor)
    {
        var bytes = new byte[tensor.Bytes];
        CopyTo(tensor, bytes);
        return bytes;
    }

    /// <summary>IEEE half to float (safetensors F16 checkpoints).</summary>
    public static float HalfToFloat(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>bfloat16 to float: the upper 16 bits of a float.</summary>
    public static float BFloat16ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>float to IEEE half, rounded to nearest even (.NET's conversion); beyond 65504 becomes infinity.</summary>
    public static ushort FloatToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>float to bfloat16, rounded to nearest even; a NaN stays a quiet NaN (plain truncation could make it infinity).</summary>
    public static ushort FloatToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
