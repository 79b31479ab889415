using System.Buffers.Binary;
using GpuEngine.Ir;
using GpuEngine.Loading;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// F16 and BF16 in safetensors files, checked against conversions written here from the bit layouts alone
/// (sign, exponent, mantissa), not with .NET's Half: every one of the 65,536 codes read, and rounding on write.
/// </summary>
public class HalfPrecisionTests
{
    /// <summary>IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.</summary>
    private static double HalfValue(ushort bits)
    {
        int exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
        double magnitude = exponent switch
        {
            0 => mantissa * Math.Pow(2, -24),                              // subnormal (and zero)
            31 => mantissa == 0 ? double.PositiveInfinity : double.NaN,
            _ => (1024 + mantissa) * Math.Pow(2, exponent - 25),
        };
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /// <summary>bfloat16: 1 sign, 8 exponent (bias 127), 7 mantissa bits.</summary>
    private static double BFloat16Value(ushort bits)
    {
        int exponent = (bits >> 7) & 0xFF, mantissa = bits & 0x7F;
        double magnitude = exponent switch
        {
            0 => mantissa * Math.Pow(2, -133),
            255 => mantissa == 0 ? double.PositiveInfinity : double.NaN,
            _ => (128 + mantissa) * Math.Pow(2, exponent - 134),
        };
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    public static TheoryData<string> Formats => ["F16", "BF16"];

    private static Func<ushort, double> Reference(string dtype) => dtype == "F16" ? HalfValue : BFloat16Value;

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_code_reads_as_the_value_its_bits_spell(string dtype)
    {
        var data = new byte[2 * 65536];
        for (int code = 0; code < 65536; code++) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * code), (ushort)code);
        var header = $$$"""{"all":{"dtype":"{{{dtype}}}","shape":[256,256],"data_offsets":[0,{{{data.Length}}}]}}""";
        var read = SafetensorsFile.Parse(SafetensorsTests.Build(header, data), "codes.safetensors").Single().Value;
        Assert.Equal(DataType.Float32, read.DataType);
        for (int code = 0; code < 65536; code++)
        {
            double expected = Reference(dtype)((ushort)code);
            float actual = read.Floats[code];
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"{dtype} 0x{code:x4} should be NaN, read {actual}");
            // Bit equality: both formats are exact subsets of float32, and -0 must stay -0.
            else Assert.True(BitConverter.SingleToInt32Bits((float)expected) == BitConverter.SingleToInt32Bits(actual),
                $"{dtype} 0x{code:x4}: expected {expected:R}, read {actual:R}");
        }
    }

    [Theory]
    [InlineData("F16", (ushort)0x0001, 5.960464477539063e-8)]   // smallest subnormal, 2^-24
    [InlineData("F16", (ushort)0x03FF, 6.097555160522461e-5)]   // largest subnormal
    [InlineData("F16", (ushort)0x7BFF, 65504.0)]                // largest finite
    [InlineData("F16", (ushort)0x7C00, double.PositiveInfinity)]
    [InlineData("F16", (ushort)0xFC00, double.NegativeInfinity)]
    [InlineData("BF16", (ushort)0x0001, 9.183549615799121e-41)] // smallest subnormal, 2^-133
    [InlineData("BF16", (ushort)0x7F7F, 3.3895313892515355e38)] // largest finite
    [InlineData("BF16", (ushort)0xFF80, double.NegativeInfinity)]
    public void Special_codes_have_their_known_values(string dtype, ushort code, double value) =>
        Assert.Equal(value, Reference(dtype)(code));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Writing_rounds_to_the_nearest_code_ties_to_even(string dtype)
    {
        var rng = new Random(17);
        var values = new List<float>
        {
            0f, -0f, 1f, -2.5f, 1e-8f, -1e-30f, float.Epsilon, 65504f, 65519.99f,
            1f + MathF.Pow(2, -11), 1f + 3 * MathF.Pow(2, -11),             // F16 ties: down to 1, up to even
            1f + MathF.Pow(2, -8), 1f + 3 * MathF.Pow(2, -8),               // BF16 ties
            MathF.Pow(2, -25), 3 * MathF.Pow(2, -25),                      // F16 subnormal ties: to 0, to 2^-23
            float.PositiveInfinity, float.NegativeInfinity,
        };
        // Random bit patterns within the range the format holds (beyond it the writer refuses: tested below).
        double largest = Reference(dtype)(dtype == "F16" ? (ushort)0x7BFF : (ushort)0x7F7F);
        while (values.Count < 20_000)
        {
            float v = BitConverter.Int32BitsToSingle(rng.Next() | (rng.Next(2) << 31));
            if (float.IsFinite(v) && Math.Abs(v) <= largest) values.Add(v);
        }
        var tensor = Tensor.FromFloats(new TensorShape(values.Count), [.. values]);
        var floats = dtype == "F16" ? SafetensorsFloat.F16 : SafetensorsFloat.BF16;
        var bytes = SafetensorsFile.Encode([new("x", tensor)], floats: floats);
        var read = SafetensorsFile.Parse(bytes, "w.safetensors").Single().Value.Floats;
        int dataStart = bytes.Length - 2 * values.Count;
        var reference = Reference(dtype);
        for (int i = 0; i < values.Count; i++)
        {
            ushort code = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(dataStart + 2 * i));
            Assert.True(IsNearestEven(values[i], code, reference), $"{dtype}: {values[i]:R} written as 0x{code:x4} ({reference(code):R})");
            Assert.Equal((float)reference(code), read[i]);
        }
    }

    [Fact]
    public void NaN_stays_NaN_and_the_sign_of_zero_is_kept()
    {
        var t = Tensor.FromFloats(new TensorShape(3), [float.NaN, -0f, BitConverter.Int32BitsToSingle(0x7F800001)]);
        foreach (var floats in new[] { SafetensorsFloat.F16, SafetensorsFloat.BF16 })
        {
            var back = SafetensorsFile.Parse(SafetensorsFile.Encode([new("x", t)], floats: floats), "n").Single().Value.Floats;
            Assert.True(float.IsNaN(back[0]), $"{floats}: NaN");
            Assert.Equal(int.MinValue, BitConverter.SingleToInt32Bits(back[1]));
            Assert.True(float.IsNaN(back[2]), $"{floats}: a NaN whose payload sits in the dropped bits");
        }
    }

    [Theory]
    [InlineData(SafetensorsFloat.F16, 65520f, "F16")]
    [InlineData(SafetensorsFloat.F16, -1e6f, "F16")]
    [InlineData(SafetensorsFloat.BF16, float.MaxValue, "BF16")]
    public void Values_beyond_the_range_are_refused_naming_tensor_and_dtype(SafetensorsFloat floats, float value, string dtype)
    {
        using var dir = new TempDir();
        var t = Tensor.FromFloats(new TensorShape(2), [1f, value]);
        var e = Assert.Throws<GpuEngineException>(() => SafetensorsFile.Write(dir.File("big.safetensors"), [new("head.w", t)], floats: floats));
        Assert.Contains("big.safetensors", e.Message);
        Assert.Contains("'head.w'", e.Message);
        Assert.Contains(dtype, e.Message);
        Assert.False(File.Exists(dir.File("big.safetensors")));
    }

    [Fact]
    public void Integer_tensors_keep_their_type_when_floats_are_narrowed()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("q", new Tensor(new TensorShape(2), DataType.Int8, new sbyte[] { -128, 127 })),
            new("acc", new Tensor(new TensorShape(1), DataType.Int32, new[] { 1 << 30 })),
            new("w", Tensor.FromFloats(new TensorShape(1), [0.1f])),
        };
        var back = SafetensorsFile.Parse(SafetensorsFile.Encode(tensors, floats: SafetensorsFloat.F16), "i").ToDictionary();
        Assert.Equal(tensors[0].Value.Data, back["q"].Data);
        Assert.Equal(tensors[1].Value.Data, back["acc"].Data);
        Assert.Equal((float)HalfValue(0x2E66), back["w"].Floats[0]); // 0.0999755859375, the half nearest 0.1
    }

    /// <summary>Whether <paramref name="code"/> is the code nearest <paramref name="x"/> (ties: even mantissa), by its neighbours.</summary>
    private static bool IsNearestEven(float x, ushort code, Func<ushort, double> value)
    {
        double v = value(code);
        if (float.IsInfinity(x)) return v == x;
        if (x == 0) return v == 0 && (BitConverter.SingleToInt32Bits(x) < 0) == ((code & 0x8000) != 0);
        if (Math.Sign(v) != Math.Sign(x) && v != 0) return false;
        double error = Math.Abs(x - v);
        // Codes of one sign are ordered by magnitude: the neighbours are code - 1 and code + 1 (within that sign).
        foreach (int neighbour in new[] { code - 1, code + 1 })
        {
            if (neighbour < 0 || (neighbour >> 15) != (code >> 15)) continue;
            double other = value((ushort)neighbour);
            if (double.IsNaN(other) || double.IsInfinity(other)) continue;
            double otherError = Math.Abs(x - other);
            if (otherError < error || (otherError == error && (code & 1) != 0)) return false;
        }
        return true;
    }
}
