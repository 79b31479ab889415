using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Loading.Onnx;

/// <summary>Conversions between ONNX TensorProto and host tensors, checking every length against the data present.</summary>
internal static class OnnxTensors
{
    /// <summary>A float32 tensor from FLOAT (raw_data or float_data) or DOUBLE data.</summary>
    public static Tensor ToFloat(TensorProto t, string file)
    {
        var (shape, n) = Shape(t, file);
        var values = new float[n];
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Float when t.HasRawData:
                RequireBytes(t, file, n * 4L);
                MemoryMarshal.Cast<byte, float>(t.RawData.Span).CopyTo(values);
                break;
            case TensorProto.Types.DataType.Float:
                RequireCount(t, file, t.FloatData.Count, n);
                t.FloatData.CopyTo(values, 0);
                break;
            case TensorProto.Types.DataType.Double when t.HasRawData:
                RequireBytes(t, file, n * 8L);
                for (int i = 0; i < n; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(t.RawData.Span[(8 * i)..]);
                break;
            case TensorProto.Types.DataType.Double:
                RequireCount(t, file, t.DoubleData.Count, n);
                for (int i = 0; i < n; i++) values[i] = (float)t.DoubleData[i];
                break;
            default:
                throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' has data type {TypeName(t.DataType)}; float32 is expected");
        }
        return Tensor.FromFloats(shape, values);
    }

    /// <summary>Integer values (INT64, INT32, INT8) of a small constant such as a Reshape shape.</summary>
    public static long[] ToLongs(TensorProto t, string file)
    {
        var (_, n) = Shape(t, file);
        var values = new long[n];
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Int64 when t.HasRawData:
                RequireBytes(t, file, n * 8L);
                for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(t.RawData.Span[(8 * i)..]);
                break;
            case TensorProto.Types.DataType.Int64:
                RequireCount(t, file, t.Int64Data.Count, n);
                t.Int64Data.CopyTo(values, 0);
                break;
            case TensorProto.Types.DataType.Int32 when t.HasRawData:
                RequireBytes(t, file, n * 4L);
                for (int i = 0; i < n; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(t.RawData.Span[(4 * i)..]);
                break;
            case TensorProto.Types.DataType.Int32:
                RequireCount(t, file, t.Int32Data.Count, n);
                for (int i = 0; i < n; i++) values[i] = t.Int32Data[i];
                break;
            default:
                throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' has data type {TypeName(t.DataType)}; integers are expected");
        }
        return values;
    }

    /// <summary>An initializer holding a float32 tensor as raw little-endian bytes.</summary>
    public static TensorProto FromFloat(string name, Tensor tensor)
    {
        if (tensor.DataType != DataType.Float32)
            throw new GpuEngineException($"ONNX export: weight '{name}' is {tensor.DataType.Name()}; only float32 graphs are exported");
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(TensorBytes.ToBytes(tensor)) };
        t.Dims.AddRange(tensor.Shape.Dims.Select(d => (long)d));
        return t;
    }

    /// <summary>A scalar float initializer (Clip bounds, Dropout ratio).</summary>
    public static TensorProto Scalar(string name, float value) =>
        new() { Name = name, DataType = (int)TensorProto.Types.DataType.Float, FloatData = { value } };

    /// <summary>An int64 vector initializer (Reshape shapes).</summary>
    public static TensorProto Longs(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length } };
        t.Int64Data.AddRange(values);
        return t;
    }

    private static (TensorShape Shape, int Elements) Shape(TensorProto t, string file)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' keeps its data in an external file; save the model with the data inside");
        if (t.Dims.Count > 8) throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' has {t.Dims.Count} dimensions");
        // No element can exist that is not backed by bytes in the file, so the file size bounds every allocation.
        long n = ModelFile.CheckedElements(t.Dims, ModelFile.MaxBytes / 4);
        if (n <= 0) throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' has dims [{string.Join(", ", t.Dims)}], which are empty, negative or too large");
        long available = t.HasRawData ? t.RawData.Length : t.FloatData.Count + t.Int32Data.Count + t.Int64Data.Count + t.DoubleData.Count;
        if (n > available)
            throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' of dims [{string.Join(", ", t.Dims)}] has only {available} values or bytes of data");
        return (t.Dims.Count == 0 ? new TensorShape() : new TensorShape([.. t.Dims.Select(d => (int)d)]), (int)n);
    }

    private static void RequireBytes(TensorProto t, string file, long bytes)
    {
        if (t.RawData.Length != bytes)
            throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' of dims [{string.Join(", ", t.Dims)}] has {t.RawData.Length} bytes of raw data, expected {bytes}");
    }

    private static void RequireCount(TensorProto t, string file, int count, int n)
    {
        if (count != n)
            throw new GpuEngineException($"ONNX file '{file}': tensor '{t.Name}' of dims [{string.Join(", ", t.Dims)}] has {count} values, expected {n}");
    }

    public static string TypeName(int dataType) => Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType)
        ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant()
        : $"#{dataType}";
}
