using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GpuEngine.Ir;

namespace GpuEngine.Loading;

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0 and 3.0): little-endian float32 ('&lt;f4'), int8 ('|i1')
/// and int32 ('&lt;i4') arrays in C order. Anything else is a <see cref="GpuEngineException"/> naming the file.
/// </summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array; the returned tensor owns a fresh data array.</summary>
    public static Tensor Read(string path) => Parse(ModelFile.ReadAll(path, ".npy file"), path);

    /// <summary>Writes <paramref name="tensor"/> as a version 1.0 file; an existing file is kept unless <paramref name="overwrite"/>.</summary>
    public static void Write(string path, Tensor tensor, bool overwrite = false) => ModelFile.WriteAll(path, Encode(tensor), overwrite);

    /// <summary>The bytes of a .npy file holding <paramref name="tensor"/>.</summary>
    public static byte[] Encode(Tensor tensor)
    {
        string descr = tensor.DataType switch { DataType.Float32 => "<f4", DataType.Int8 => "|i1", _ => "<i4" };
        var dims = tensor.Shape.Dims;
        string shape = dims.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // numpy pads the header with spaces so that the data starts on a 64-byte boundary.
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        var bytes = new byte[10 + header.Length + tensor.Bytes];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(10));
        TensorBytes.CopyTo(tensor, bytes.AsSpan(10 + header.Length));
        return bytes;
    }

    /// <summary>Parses .npy bytes; <paramref name="file"/> names the source in errors.</summary>
    public static Tensor Parse(ReadOnlySpan<byte> data, string file)
    {
        if (data.Length < 10 || !data[..6].SequenceEqual(Magic))
            throw Error(file, "is not a .npy file (no \\x93NUMPY magic)");
        int major = data[6];
        int headerStart = major == 1 ? 10 : 12;
        if (major is < 1 or > 3) throw Error(file, $"has format version {major}.{data[7]}; versions 1.0, 2.0 and 3.0 are read");
        if (data.Length < headerStart) throw Error(file, "is truncated inside its header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (headerLength > data.Length - headerStart)
            throw Error(file, $"declares a {headerLength}-byte header but the file has {data.Length} bytes");
        var headerBytes = data.Slice(headerStart, (int)headerLength);
        string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var (type, dims) = ParseHeader(header, file);
        var payload = data[(headerStart + (int)headerLength)..];
        long elements = ModelFile.CheckedElements(dims, payload.Length);
        if (elements < 0 || elements * type.Size() != payload.Length)
            throw Error(file, $"has {payload.Length} data bytes, but shape ({string.Join(", ", dims)}) of {type.Name()} needs {(elements < 0 ? "more" : (elements * type.Size()).ToString(CultureInfo.InvariantCulture))}");
        if (elements == 0) throw Error(file, $"holds an empty array of shape ({string.Join(", ", dims)})");
        var shape = new TensorShape([.. dims.Select(d => (int)d)]);
        return TensorBytes.FromBytes(shape, type, payload);
    }

    private static (DataType Type, List<long> Dims) ParseHeader(string header, string file)
    {
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw Error(file, "has a header without 'descr', 'fortran_order' and 'shape'");
        if (fortran.Groups[1].Value == "True")
            throw Error(file, "is in Fortran order; write it in C order (numpy.ascontiguousarray)");
        var type = descr.Groups[1].Value switch
        {
            "<f4" => DataType.Float32,
            "|i1" or "<i1" or "i1" => DataType.Int8,
            "<i4" => DataType.Int32,
            var other => throw Error(file, $"has dtype '{other}'; float32 ('<f4'), int8 ('|i1') and int32 ('<i4') are read"),
        };
        var dims = new List<long>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long d) || d > int.MaxValue)
                throw Error(file, $"has shape entry '{part}' that is not a dimension");
            dims.Add(d);
        }
        if (dims.Count > 8) throw Error(file, $"has {dims.Count} dimensions; at most 8 are read");
        return (type, dims);
    }

    /// <summary>The detail quotes header bytes, which in a corrupt file may hold line breaks: escaped, so the error stays one line (found by afl++).</summary>
    private static GpuEngineException Error(string file, string detail) =>
        new($".npy file '{file}' {string.Concat(detail.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()))}");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']{0,16})'", RegexOptions.None, 1000)]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)", RegexOptions.None, 1000)]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([0-9,\s]{0,200})\)", RegexOptions.None, 1000)]
    private static partial Regex ShapePattern();
}
