namespace GpuEngine.Ir;

/// <summary>Element types of tensors. Activations are float32 or int8; accumulators ("addsum") int32.</summary>
public enum DataType
{
    Float32,
    Int8,
    Int32,
}

public static class DataTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this DataType type) => type switch
    {
        DataType.Float32 => 4,
        DataType.Int8 => 1,
        DataType.Int32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Lower-case name as written in reports and files (float32, int8, int32).</summary>
    public static string Name(this DataType type) => type.ToString().ToLowerInvariant();
}
