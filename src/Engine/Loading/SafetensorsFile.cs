using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuEngine.Ir;

namespace GpuEngine.Loading;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor names to
/// dtype, shape and [begin, end) byte offsets, then the data. Reads F32, F16, BF16 and F64 (as float32),
/// I8 and I32; skips BatchNorm's num_batches_tracked counters. Writes I8, I32 and float32 tensors as F32, F16 or BF16.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Headers larger than this are refused before anything is allocated for them (the format's own limit is 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Reads every tensor, in file order; the tensors own their data.</summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Read(string path) => Parse(ModelFile.ReadAll(path, "safetensors file"), path);

    /// <summary>Writes the tensors in the given order, 8-byte aligned; an existing file is kept unless <paramref name="overwrite"/>.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, bool overwrite = false, SafetensorsFloat floats = SafetensorsFloat.F32)
    {
        byte[] bytes;
        try
        {
            bytes = Encode(tensors, metadata, floats);
        }
        catch (GpuEngineException e)
        {
            throw new GpuEngineException($"safetensors file '{path}' not written: {e.Message}", e);
        }
        ModelFile.WriteAll(path, bytes, overwrite);
    }

    /// <summary>The bytes of a safetensors file; float32 tensors are stored as <paramref name="floats"/> (rounded to nearest even).</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        SafetensorsFloat floats = SafetensorsFloat.F32)
    {
        var list = tensors.Select(kv => (Name: kv.Key, Tensor: kv.Value, Stored: Stored(kv.Value, floats))).ToList();
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t, stored) in list)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", stored.DType);
                w.WriteStartArray("shape");
                foreach (var d in t.Shape.Dims) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset += stored.Bytes);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int headerLength = (int)json.Length + (int)((8 - json.Length % 8) % 8);
        var bytes = new byte[8 + headerLength + list.Sum(e => e.Stored.Bytes)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerLength);
        json.GetBuffer().AsSpan(0, (int)json.Length).CopyTo(bytes.AsSpan(8));
        bytes.AsSpan(8 + (int)json.Length, headerLength - (int)json.Length).Fill((byte)' ');
        long at = 8 + headerLength;
        foreach (var (name, t, stored) in list)
        {
            var target = bytes.AsSpan((int)at, (int)stored.Bytes);
            if (stored.DType is "F16" or "BF16") Narrow(name, t.Floats, stored.DType, target);
            else TensorBytes.CopyTo(t, target);
            at += stored.Bytes;
        }
        return bytes;
    }

    /// <summary>The dtype a tensor is written as and its byte count: only float32 data changes width.</summary>
    private static (string DType, long Bytes) Stored(Tensor t, SafetensorsFloat floats) => t.DataType switch
    {
        DataType.Float32 when floats == SafetensorsFloat.F32 => ("F32", t.Bytes),
        DataType.Float32 => (floats == SafetensorsFloat.F16 ? "F16" : "BF16", 2 * t.Shape.Elements),
        DataType.Int8 => ("I8", t.Bytes),
        _ => ("I32", t.Bytes),
    };

    private static void Narrow(string name, float[] values, string dtype, Span<byte> target)
    {
        bool half = dtype == "F16";
        for (int i = 0; i < values.Length; i++)
        {
            ushort bits = half ? TensorBytes.FloatToHalf(values[i]) : TensorBytes.FloatToBFloat16(values[i]);
            float stored = half ? TensorBytes.HalfToFloat(bits) : TensorBytes.BFloat16ToFloat(bits);
            // A weight that became infinite would poison every output silently: refuse, naming it.
            if (float.IsFinite(values[i]) && !float.IsFinite(stored))
                throw new GpuEngineException(string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' holds {values[i]} (element {i}), beyond {dtype}'s range; write it as F32{(half ? " or BF16" : "")}"));
            BinaryPrimitives.WriteUInt16LittleEndian(target[(2 * i)..], bits);
        }
    }

    /// <summary>The header's <c>__metadata__</c> strings (empty when it has none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        var data = ModelFile.ReadAll(path, "safetensors file");
        Parse(data, path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        using var doc = JsonDocument.Parse(data.AsSpan(8, (int)headerLength).ToArray());
        var result = new Dictionary<string, string>();
        if (doc.RootElement.TryGetProperty("__metadata__", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in meta.EnumerateObject()) result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        return result;
    }

    /// <summary>Parses safetensors bytes; <paramref name="file"/> names the source in errors.</summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> Parse(ReadOnlySpan<byte> data, string file)
    {
        if (data.Length < 8) throw Error(file, $"is {data.Length} bytes long; a safetensors file starts with an 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(data.Length - 8))
            throw Error(file, $"declares a {headerLength}-byte header but the file has {data.Length} bytes");
        var payload = data[(8 + (int)headerLength)..];
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data.Slice(8, (int)headerLength).ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Error(file, $"has a header that is not valid JSON ({e.Message})");
        }
        using (doc)
        try
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Error(file, "has a header that is not a JSON object");
            var result = new List<KeyValuePair<string, Tensor>>();
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var tensor = ReadEntry(entry, payload, file);
                if (tensor is not null) result.Add(new(entry.Name, tensor));
            }
            return result;
        }
        catch (InvalidOperationException e)
        {
            // Invalid UTF-8 inside names or strings surfaces only when they are read.
            throw Error(file, $"has a header with invalid text ({e.Message})");
        }
    }

    private static Tensor? ReadEntry(JsonProperty entry, ReadOnlySpan<byte> payload, string file)
    {
        var e = entry.Value;
        string name = entry.Name;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Error(file, $"tensor '{name}' lacks dtype, shape or data_offsets");
        var dims = new List<long>();
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0 || v > int.MaxValue)
                throw Error(file, $"tensor '{name}' has a shape entry that is not a dimension");
            dims.Add(v);
        }
        if (dims.Count > 8) throw Error(file, $"tensor '{name}' has {dims.Count} dimensions; at most 8 are read");
        if (!offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > payload.Length)
            throw Error(file, $"tensor '{name}' has data_offsets outside the {payload.Length} data bytes");
        string dtype = dtypeEl.GetString()!;
        // Counters, not weights: PyTorch saves them as int64 scalars beside every BatchNorm.
        if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) return null;
        int size = dtype switch { "F32" or "I32" => 4, "F16" or "BF16" => 2, "F64" => 8, "I8" => 1,
            _ => throw Error(file, $"tensor '{name}' has dtype {dtype}; F32, F16, BF16, F64, I8 and I32 are read") };
        long elements = ModelFile.CheckedElements(dims, payload.Length);
        if (elements < 0 || elements * size != end - begin)
            throw Error(file, $"tensor '{name}' of shape [{string.Join(", ", dims)}] {dtype} does not fill its {end - begin} bytes");
        if (elements == 0) throw Error(file, $"tensor '{name}' is empty (shape [{string.Join(", ", dims)}])");
        var shape = new TensorShape([.. dims.Select(d => (int)d)]);
        var bytes = payload[(int)begin..(int)end];
        return dtype switch
        {
            "F32" => TensorBytes.FromBytes(shape, DataType.Float32, bytes),
            "I32" => TensorBytes.FromBytes(shape, DataType.Int32, bytes),
            "I8" => TensorBytes.FromBytes(shape, DataType.Int8, bytes),
            _ => Tensor.FromFloats(shape, Widen(dtype, bytes, (int)elements)),
        };
    }

    /// <summary>F16, BF16 and F64 data as float32 (half-precision checkpoints are common; the engine computes in float32).</summary>
    private static float[] Widen(string dtype, ReadOnlySpan<byte> bytes, int elements)
    {
        var result = new float[elements];
        switch (dtype)
        {
            case "F16":
                for (int i = 0; i < elements; i++) result[i] = TensorBytes.HalfToFloat(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                break;
            case "BF16":
                for (int i = 0; i < elements; i++) result[i] = TensorBytes.BFloat16ToFloat(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                break;
            default:
                for (int i = 0; i < elements; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
        return result;
    }

    private static GpuEngineException Error(string file, string detail) => new($"safetensors file '{file}' {detail}");
}

/// <summary>How a safetensors writer stores float32 tensors (integer tensors are written as they are).</summary>
public enum SafetensorsFloat
{
    F32,
    /// <summary>IEEE half: half the size; 11 significant bits, finite values up to 65504.</summary>
    F16,
    /// <summary>bfloat16: half the size; float32's range with 8 significant bits.</summary>
    BF16,
}
