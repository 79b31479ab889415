using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Loading.Onnx;

/// <summary>
/// A small constant tensor the importer computes with while folding shape arithmetic: dims, values as doubles (int64
/// shape values are exact below 2^53), and whether ONNX types it float or integer.
/// </summary>
internal sealed record ShapeConstant(long[] Dims, double[] Values, bool IsFloat)
{
    /// <summary>Folding works on shape-sized data; a larger constant is a weight and is left alone.</summary>
    public const int MaxElements = 1 << 16;

    public int Rank => Dims.Length;

    public static ShapeConstant Of(TensorProto t, string file)
    {
        var type = (TensorProto.Types.DataType)t.DataType;
        if (type is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double)
            return new([.. t.Dims], [.. OnnxTensors.ToFloat(t, file).Floats.Select(v => (double)v)], true);
        return new([.. t.Dims], [.. OnnxTensors.ToLongs(t, file).Select(v => (double)v)], false);
    }

    public static ShapeConstant Ints(params long[] values) => new([values.Length], [.. values.Select(v => (double)v)], false);

    public long[] Longs => [.. Values.Select(v => (long)v)];

    /// <summary>As an ONNX tensor named <paramref name="name"/>: FLOAT or INT64.</summary>
    public TensorProto ToProto(string name)
    {
        var t = new TensorProto { Name = name, Dims = { Dims } };
        if (IsFloat)
        {
            t.DataType = (int)TensorProto.Types.DataType.Float;
            t.FloatData.AddRange(Values.Select(v => (float)v));
        }
        else
        {
            t.DataType = (int)TensorProto.Types.DataType.Int64;
            t.Int64Data.AddRange(Values.Select(v => (long)v));
        }
        return t;
    }

    /// <summary>Row-major strides of <paramref name="dims"/>.</summary>
    public static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long s = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    public static long Count(long[] dims) => dims.Aggregate(1L, (a, b) => a * b);
}
