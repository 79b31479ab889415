using System.Buffers.Binary;
using System.Text;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Loading;

public class SafetensorsTests
{
    private static readonly TensorShape Small = new(1, 3, 32, 32);

    [Fact]
    public void Tensors_round_trip_in_order_with_all_three_types()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("b.weight", TestData.Floats(new TensorShape(4, 3, 3, 3), 1)),
            new("a.q", new Tensor(new TensorShape(5), DataType.Int8, new sbyte[] { -128, -1, 0, 1, 127 })),
            new("c.acc", new Tensor(new TensorShape(2), DataType.Int32, new[] { -7, 1 << 30 })),
        };
        var back = SafetensorsFile.Parse(SafetensorsFile.Encode(tensors, new Dictionary<string, string> { ["format"] = "pt" }), "t");
        Assert.Equal(tensors.Select(t => t.Key), back.Select(t => t.Key));
        for (int i = 0; i < 3; i++) Assert.Equal(tensors[i].Value.Data, back[i].Value.Data);
    }

    [Fact]
    public void Half_bfloat16_and_double_are_widened_and_counters_skipped()
    {
        var header = """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},"d":{"dtype":"F64","shape":[1],"data_offsets":[6,14]},"bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[14,22]}}""";
        var data = new byte[22];
        BinaryPrimitives.WriteHalfLittleEndian(data, (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2), (Half)(-2f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), (ushort)(BitConverter.SingleToInt32Bits(3.0f) >> 16));
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(6), 0.25);
        var back = SafetensorsFile.Parse(Build(header, data), "w").ToDictionary();
        Assert.Equal([1.5f, -2f], back["h"].Floats);
        Assert.Equal([3f], back["b"].Floats);
        Assert.Equal([0.25f], back["d"].Floats);
        Assert.False(back.ContainsKey("bn.num_batches_tracked"));
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}}""", "does not fill")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}""", "outside")]
    [InlineData("""{"x":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", "dtype U8")]
    [InlineData("""{"x":{"dtype":"F16","shape":[3],"data_offsets":[0,5]}}""", "[3] F16 does not fill its 5 bytes")]
    [InlineData("""{"x":{"dtype":"BF16","shape":[4],"data_offsets":[0,4]}}""", "[4] BF16 does not fill its 4 bytes")]
    [InlineData("""{"x":{"dtype":"f16","shape":[2],"data_offsets":[0,4]}}""", "dtype f16; F32, F16, BF16")]
    [InlineData("""{"x":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", "dtype F8_E4M3")]
    [InlineData("""{"x":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", "dtype I64")]
    [InlineData("""{"x":{"dtype":16,"shape":[2],"data_offsets":[0,4]}}""", "lacks dtype")]
    [InlineData("""{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "not a dimension")]
    [InlineData("""{"x":{"dtype":"F32"}}""", "lacks")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"x":""", "not valid JSON")]
    public void Bad_headers_are_named_errors(string header, string expected)
    {
        var e = Assert.Throws<GpuEngineException>(() => SafetensorsFile.Parse(Build(header, new byte[16]), "bad.safetensors"));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_huge_header_length_is_refused_before_allocating()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.Contains("header", Assert.Throws<GpuEngineException>(() => SafetensorsFile.Parse(bytes, "h")).Message);
    }

    [Theory]
    [InlineData("repvgg-a0-train")]
    [InlineData("repvgg-a0")]
    [InlineData("mobilenet_v2")]
    [InlineData("vgg11_bn")]
    public void Official_names_load_into_the_zoo_model(string model)
    {
        var g = ModelZoo.Create(model, Small, 10);
        var weighted = WeightInitializer.Initialize(g, 3);
        using var dir = new TempDir();
        WeightFile.Save(weighted, dir.File("w.safetensors"));
        var loaded = WeightFile.Load(g, dir.File("w.safetensors"));
        TestData.AssertSameWeights(weighted, loaded);
    }

    [Theory]
    [InlineData("repvgg-a0-train", "stem.conv_kxk.conv.weight", "stage0.rbr_dense.conv.weight")]
    [InlineData("repvgg-a0-train", "stages.0.1.identity.running_var", "stage1.1.rbr_identity.running_var")]
    [InlineData("repvgg-a0-train", "stages.2.13.conv_1x1.bn.bias", "stage3.13.rbr_1x1.bn.bias")]
    [InlineData("repvgg-a0", "stages.3.0.reparam_conv.weight", "stage4.0.rbr_reparam.weight")]
    [InlineData("repvgg-a0", "head.fc.bias", "linear.bias")]
    public void Timm_names_map_both_ways(string model, string timm, string zoo)
    {
        Assert.Equal(zoo, WeightNameMaps.Timm.ToZoo(timm));
        Assert.Equal(timm, WeightNameMaps.Timm.FromZoo(zoo));
        Assert.Contains(zoo, ModelZoo.Create(model, Small, 10).Parameters.Keys);
    }

    [Theory]
    [InlineData("repvgg-a0-train")]
    [InlineData("repvgg-a0")]
    public void Every_parameter_has_a_timm_name_and_a_timm_file_is_detected(string model)
    {
        var g = WeightInitializer.Initialize(ModelZoo.Create(model, Small, 10), 5);
        foreach (var p in g.Parameters.Keys) Assert.Equal(p, WeightNameMaps.Timm.ToZoo(WeightNameMaps.Timm.FromZoo(p)!));
        var bytes = SafetensorsFile.Encode(g.Parameters.Keys.Select(p => new KeyValuePair<string, Tensor>(WeightNameMaps.Timm.FromZoo(p)!, g.Weight(p))));
        var tensors = SafetensorsFile.Parse(bytes, "timm.safetensors");
        Assert.Same(WeightNameMaps.Timm, WeightFile.Detect(g, tensors));
        TestData.AssertSameWeights(g, WeightFile.Apply(ModelZoo.Create(model, Small, 10), tensors, "timm.safetensors"));
    }

    [Fact]
    public void Train_weights_for_a_deploy_model_say_so()
    {
        var train = WeightInitializer.Initialize(ModelZoo.Create("repvgg-a0-train", Small, 10), 1);
        var tensors = train.Weights.Select(kv => kv).ToList();
        var e = Assert.Throws<GpuEngineException>(() => WeightFile.Apply(ModelZoo.Create("repvgg-a0", Small, 10), tensors, "t.safetensors"));
        Assert.Contains("-train form", e.Message);
    }

    [Fact]
    public void Missing_and_misshapen_parameters_are_named()
    {
        var g = WeightInitializer.Initialize(ModelZoo.Create("repvgg-a0", Small, 10), 1);
        var missing = g.Weights.Where(kv => kv.Key != "linear.bias").ToList();
        Assert.Contains("'linear.bias'", Assert.Throws<GpuEngineException>(() => WeightFile.Apply(g, missing, "m")).Message);
        var wrong = g.Weights.Select(kv => kv.Key == "linear.bias" ? new KeyValuePair<string, Tensor>(kv.Key, TestData.Floats(new TensorShape(11), 1)) : kv).ToList();
        var e = Assert.Throws<ShapeMismatchException>(() => WeightFile.Apply(g, wrong, "m"));
        Assert.Contains("11", e.Message);
        Assert.Contains("linear.bias", e.Message);
    }

    [Fact]
    public void An_integer_tensor_for_a_float_parameter_names_both_types()
    {
        var g = WeightInitializer.Initialize(ModelZoo.Create("repvgg-a0", Small, 10), 1);
        var ints = g.Weights.Select(kv => kv.Key == "linear.bias" ? new KeyValuePair<string, Tensor>(kv.Key, new Tensor(new TensorShape(10), DataType.Int32, new int[10])) : kv);
        var e = Assert.Throws<GpuEngineException>(() => WeightFile.Apply(g, SafetensorsFile.Parse(SafetensorsFile.Encode(ints), "i.safetensors"), "i.safetensors"));
        Assert.Contains("'linear.bias' is int32, parameter 'linear.bias' is float32", e.Message);
        Assert.Contains("i.safetensors", e.Message);
    }

    internal static byte[] Build(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }
}
