using System.Text.Json;
using GpuEngine.Loading.Onnx;
using GpuEngine.Tests.Loading;

namespace GpuEngine.Tests.Cli;

/// <summary>
/// <c>gpuengine compare</c> against ONNX Runtime in process: exit 0 within tolerance, 1 beyond, 2 on bad input;
/// <c>--layers</c> names where a perturbed weight first shows; <c>--trace</c> holds both engines.
/// </summary>
public class CompareVerbTests
{
    private static readonly string[] Quick = ["--device", "cpu", "--warmup", "1", "--runs", "2"];

    [Fact]
    public void A_zoo_model_matches_onnx_runtime_within_the_fp32_tolerance()
    {
        var (exit, output, error) = Gpuengine.Run(["compare", "--model", "repvgg-n1", "--input", "1x3x16x16", .. Quick, "--format", "json"]);
        Assert.True(exit == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var row = doc.RootElement.GetProperty("tensors").EnumerateArray().Single();
        Assert.Equal("output", row.GetProperty("kind").GetString());
        Assert.InRange(row.GetProperty("max_rel_error").GetDouble(), 0, 1e-4);
        Assert.InRange(row.GetProperty("cosine").GetDouble(), 0.99999, 1.00001);
        Assert.Equal(1.0, row.GetProperty("top1_agreement").GetDouble());
        Assert.True(doc.RootElement.GetProperty("latency_ratio").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("onnxruntime_median_ms").GetDouble() > 0);
    }

    [Fact]
    public void Tolerance_zero_fails_where_the_engines_round_differently()
    {
        var (exit, output, error) = Gpuengine.Run(["compare", "--model", "mobilenet_v2", "--input", "1x3x32x32", .. Quick, "--tolerance", "0", "--format", "json"]);
        using var doc = JsonDocument.Parse(output);
        double relative = doc.RootElement.GetProperty("tensors")[0].GetProperty("max_rel_error").GetDouble();
        Assert.True(relative > 0, "engine and ONNX Runtime agreed bit for bit; pick a model where they do not");
        Assert.True(exit == 1, error);
        Assert.Contains("beyond tolerance", doc.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public void Layers_names_the_first_tensor_after_a_perturbed_weight()
    {
        using var dir = new TempDir();
        var (exit, _, error) = Gpuengine.Run(["export", "--model", "repvgg-a0-train", "--input", "1x3x16x16", "--out", dir.File("m.onnx")]);
        Assert.True(exit == 0, error);
        // One weight of a middle block's 3x3 convolution is scaled in the copy ONNX Runtime runs (the whole tensor:
        // a single element can meet an input channel the ReLU before it zeroed).
        var model = OnnxFile.Read(dir.File("m.onnx"));
        var init = model.Graph.Initializer.First(i => i.Name == "stage2.1.rbr_dense.conv.weight");
        var weights = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(init.RawData.ToByteArray()).ToArray();
        for (int i = 0; i < weights.Length; i++) weights[i] *= 1.5f;
        init.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
        File.WriteAllBytes(dir.File("perturbed.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(model));
        int perturbedNode = model.Graph.Node.ToList().FindIndex(n => n.Input.Contains(init.Name));
        var nodeOf = model.Graph.Node.Select((n, i) => (n.Output[0], i)).ToDictionary(p => p.Item1, p => p.i);

        string output;
        (exit, output, error) = Gpuengine.Run(["compare", "--model", dir.File("m.onnx"), "--reference", dir.File("perturbed.onnx"), "--layers", .. Quick, "--format", "json"]);
        Assert.True(exit == 1, error + output);
        using var doc = JsonDocument.Parse(output);
        var layers = doc.RootElement.GetProperty("tensors").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "layer").ToList();
        var first = layers.First(r => nodeOf[r.GetProperty("tensor").GetString()!] >= perturbedNode);
        string firstName = first.GetProperty("tensor").GetString()!;
        Assert.StartsWith(firstName + ":", doc.RootElement.GetProperty("first_divergence").GetString());
        Assert.Equal("NO", first.GetProperty("within").GetString());
        Assert.All(layers.TakeWhile(r => r.GetProperty("tensor").GetString() != firstName), r => Assert.Equal("yes", r.GetProperty("within").GetString()));
        Assert.Contains("tensors in both", doc.RootElement.GetProperty("layers_compared").GetString());
    }

    [Theory]
    [InlineData("--model", "no-such-file.onnx")]
    [InlineData("--tolerance", "-1")]
    [InlineData("--runs", "0")]
    [InlineData("--format", "yaml")]
    public void Bad_input_is_exit_2_with_one_line(string option, string value)
    {
        string[] args = option == "--model"
            ? ["compare", option, value, .. Quick]
            : ["compare", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", option, value];
        var (exit, output, error) = Gpuengine.Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = error.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("gpuengine: error: ", lines[0]);
    }

    [Fact]
    public void Trace_holds_both_engines_as_two_processes_from_ts_0()
    {
        using var dir = new TempDir();
        var (exit, _, error) = Gpuengine.Run(["compare", "--model", "repvgg-n1", "--input", "1x3x16x16", .. Quick, "--trace", dir.File("both.json")]);
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("both.json")));
        var events = doc.RootElement.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        Assert.Equal([1, 2], events.Select(e => e.GetProperty("pid").GetInt32()).Distinct().Order());
        foreach (int pid in new[] { 1, 2 })
        {
            var mine = events.Where(e => e.GetProperty("pid").GetInt32() == pid).ToList();
            Assert.Equal(0, mine.Min(e => e.GetProperty("ts").GetDouble()), 3);
            var nodes = mine.Where(e => e.GetProperty("cat").GetString() == "Node").ToList();
            Assert.NotEmpty(nodes);
            Assert.Contains(mine, e => e.GetProperty("cat").GetString() == "Session");
            foreach (var node in nodes)
            {
                var args = node.GetProperty("args");
                foreach (var key in new[] { "op_name", "provider", "input_type_shape", "output_type_shape", "activation_size", "parameter_size" })
                    Assert.True(args.TryGetProperty(key, out _), $"pid {pid} node {node.GetProperty("name")} lacks args.{key}");
                Assert.True(node.GetProperty("dur").GetDouble() >= 0);
            }
        }
        Assert.Contains(events, e => e.GetProperty("pid").GetInt32() == 2 && e.GetProperty("args").TryGetProperty("provider", out var p) && p.GetString() == "CPUExecutionProvider");
    }
}

/// <summary><c>compare</c> on ONNX files of other shapes: several outputs, symbolic dimensions fixed by --input.</summary>
public class CompareOnnxFileTests
{
    private static byte[] TwoOutputsWithSymbolicSize()
    {
        var m = new OnnxTestModel(13, 1, 3, 8, 8).Init("c.weight", 4, 3, 3, 3).Init("fc.weight", 5, 4).Init("fc.bias", 5)
            .Node("Conv", "c", ["x", "c.weight"], "c_out", OnnxTestModel.Ints("kernel_shape", 3, 3), OnnxTestModel.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", "relu", ["c_out"], "features")
            .Node("GlobalAveragePool", "gap", ["features"], "g")
            .Node("Flatten", "flat", ["g"], "f", OnnxTestModel.Int("axis", 1))
            .Node("Gemm", "fc", ["f", "fc.weight", "fc.bias"], "logits", OnnxTestModel.Int("transB", 1))
            .Output("logits").Output("features");
        var model = m.Model;
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[0] = new GpuEngine.Loading.Onnx.Proto.TensorShapeProto.Types.Dimension { DimParam = "batch" };
        dims[2] = new GpuEngine.Loading.Onnx.Proto.TensorShapeProto.Types.Dimension { DimParam = "height" };
        dims[3] = new GpuEngine.Loading.Onnx.Proto.TensorShapeProto.Types.Dimension { DimParam = "width" };
        return Google.Protobuf.MessageExtensions.ToByteArray(model);
    }

    [Fact]
    public void Every_output_is_compared_at_the_size_input_gives()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("two.onnx"), TwoOutputsWithSymbolicSize());
        var (exit, output, error) = Gpuengine.Run(["compare", "--model", dir.File("two.onnx"), "--input", "2x3x12x10", "--device", "cpu", "--runs", "1", "--format", "json"]);
        Assert.True(exit == 0, error + output);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(["logits", "features"], rows.Select(r => r.GetProperty("tensor").GetString()));
        Assert.Equal([10L, 2 * 4 * 12 * 10], rows.Select(r => r.GetProperty("elements").GetInt64()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("max_rel_error").GetDouble(), 0, 1e-5));
    }

    [Fact]
    public void A_symbolic_size_without_input_is_exit_2_naming_the_dimension()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("two.onnx"), TwoOutputsWithSymbolicSize());
        var (exit, _, error) = Gpuengine.Run(["compare", "--model", dir.File("two.onnx"), "--device", "cpu"]);
        Assert.Equal(2, exit);
        Assert.Contains("'height'", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
