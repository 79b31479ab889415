using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Execution;
using GpuEngine.Ops;
using GpuEngine.Profiling.Peer;
using static GpuEngine.Tests.Loading.OnnxTestModel;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Shape arithmetic folded at load: each op against values worked by hand from the ONNX spec, and whole exporter
/// patterns against ONNX Runtime running the same file.
/// </summary>
public class ConstantFoldingTests
{
    private static ShapeConstant Ints(long[] dims, params long[] values) => new(dims, [.. values.Select(v => (double)v)], false);

    private static ShapeConstant Fold(string op, long opset, ShapeConstant?[] inputs, params AttributeProto[] attributes) =>
        ConstantFolding.Fold(new ConstantFolding.FoldNode(op, inputs, attributes.ToDictionary(a => a.Name), opset, d => new GpuEngineException(d), "t.onnx"))
        ?? throw new InvalidOperationException("not folded");

    private static readonly ShapeConstant Shape1x3x8x8 = new([1, 3, 8, 8], [], false);

    [Fact]
    public void Shape_gather_unsqueeze_concat_is_torch_flattens_target()
    {
        var shape = Fold("Shape", 13, [Shape1x3x8x8]);
        Assert.Equal([1, 3, 8, 8], shape.Longs);
        var batch = Fold("Gather", 13, [shape, Ints([], 0)]);
        Assert.Empty(batch.Dims);
        Assert.Equal([1], batch.Longs);
        var unsqueezed = Fold("Unsqueeze", 13, [batch, ShapeConstant.Ints(0)]);
        Assert.Equal([1], unsqueezed.Dims);
        Assert.Equal([1, -1], Fold("Concat", 13, [unsqueezed, ShapeConstant.Ints(-1)], Int("axis", 0)).Longs);
        // Before opset 13 Unsqueeze takes its axes as an attribute.
        Assert.Equal([1, 1], Fold("Unsqueeze", 11, [batch], OnnxTestModel.Ints("axes", 0, 1)).Dims);
    }

    [Fact]
    public void Shape_takes_start_and_end_from_opset_15()
    {
        Assert.Equal([3, 8], Fold("Shape", 15, [Shape1x3x8x8], Int("start", 1), Int("end", -1)).Longs);
    }

    [Fact]
    public void Slice_clamps_ends_and_walks_negative_steps()
    {
        var v = ShapeConstant.Ints(10, 11, 12, 13, 14);
        // starts 1, ends INT64_MAX: to the end.
        Assert.Equal([11, 12, 13, 14], Fold("Slice", 13, [v, ShapeConstant.Ints(1), ShapeConstant.Ints(long.MaxValue)]).Longs);
        // starts -1, ends -6 (clamped to before the first), step -2: 14, 12, 10.
        Assert.Equal([14, 12, 10], Fold("Slice", 13, [v, ShapeConstant.Ints(-1), ShapeConstant.Ints(-6), ShapeConstant.Ints(0), ShapeConstant.Ints(-2)]).Longs);
        // Opset 9: attributes; a 2x3 matrix sliced on axis 1.
        var m = Ints([2, 3], 1, 2, 3, 4, 5, 6);
        var s = Fold("Slice", 9, [m], OnnxTestModel.Ints("starts", 1), OnnxTestModel.Ints("ends", 3), OnnxTestModel.Ints("axes", 1));
        Assert.Equal([2, 2], s.Dims);
        Assert.Equal([2, 3, 5, 6], s.Longs);
    }

    [Fact]
    public void Arithmetic_broadcasts_and_integer_division_truncates()
    {
        var m = Ints([2, 2], 7, -7, 9, 4);
        Assert.Equal([3, -3, 4, 2], Fold("Div", 13, [m, Ints([2], 2, 2)]).Longs);
        Assert.Equal([7, -7, 18, 8], Fold("Mul", 13, [m, Ints([2, 1], 1, 2)]).Longs);
        Assert.Equal([8, -6, 10, 5], Fold("Add", 13, [m, Ints([], 1)]).Longs);
        var half = Fold("Div", 13, [new ShapeConstant([1], [7], true), Ints([], 2)]);
        Assert.True(half.IsFloat);
        Assert.Equal(3.5, half.Values[0]);
        Assert.Throws<GpuEngineException>(() => Fold("Div", 13, [m, Ints([], 0)]));
    }

    [Fact]
    public void Cast_gather_on_axis_1_and_constant_of_shape()
    {
        var f = new ShapeConstant([3], [1.9, -1.9, 0], true);
        var cast = Fold("Cast", 13, [f], Int("to", 7));
        Assert.False(cast.IsFloat);
        Assert.Equal([1, -1, 0], cast.Longs);
        var g = Fold("Gather", 13, [Ints([2, 3], 1, 2, 3, 4, 5, 6), Ints([2], 2, -3)], Int("axis", 1));
        Assert.Equal([2, 2], g.Dims);
        Assert.Equal([3, 1, 6, 4], g.Longs);
        var zeros = Fold("ConstantOfShape", 13, [ShapeConstant.Ints(2, 3)]);
        Assert.Equal([2, 3], zeros.Dims);
        Assert.All(zeros.Values, v => Assert.Equal(0, v));
        Assert.Equal([2, 1], Fold("Squeeze", 13, [Ints([1, 2, 1], 1, 1), ShapeConstant.Ints(0)]).Dims);
        Assert.Equal([2], Fold("Squeeze", 11, [Ints([1, 2, 1], 1, 1)]).Dims);
    }

    [Fact]
    public void Folding_leaves_activations_alone()
    {
        Assert.Null(ConstantFolding.Fold(new ConstantFolding.FoldNode("Add", [null, ShapeConstant.Ints(1)], new Dictionary<string, AttributeProto>(), 13, d => new GpuEngineException(d), "t.onnx")));
    }

    /// <summary>torch.onnx's flatten before a classifier, at opset 11 (attribute Unsqueeze) and 13: imports as Flatten and matches ONNX Runtime.</summary>
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(21)]
    public void Torch_flatten_pattern_imports_and_matches_onnx_runtime(long opset)
    {
        var m = new OnnxTestModel(opset, 2, 3, 4, 4).Init("c.weight", 4, 3, 3, 3).Init("fc.weight", 5, 64).Init("fc.bias", 5)
            .Longs("zero", 0).Longs("minus1", -1)
            .Node("Conv", "c", ["x", "c.weight"], "c_out", OnnxTestModel.Ints("kernel_shape", 3, 3), OnnxTestModel.Ints("pads", 1, 1, 1, 1))
            .Node("Shape", "shape", ["c_out"], "s")
            .Node("Constant", "index", [], "i0", Int("value_int", 0)) // a scalar index: the batch comes out as a scalar
            .Node("Gather", "gather", ["s", "i0"], "n", Int("axis", 0));
        m = opset >= 13
            ? m.Node("Unsqueeze", "unsq", ["n", "zero"], "n1")
            : m.Node("Unsqueeze", "unsq", ["n"], "n1", OnnxTestModel.Ints("axes", 0));
        m.Node("Concat", "cat", ["n1", "minus1"], "target", Int("axis", 0))
            .Node("Reshape", "flat", ["c_out", "target"], "f")
            .Node("Gemm", "fc", ["f", "fc.weight", "fc.bias"], "y", Int("transB", 1))
            .Output("y");
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("m.onnx"), m.Bytes);
        var g = OnnxFile.Load(dir.File("m.onnx"));
        Assert.Equal(["Conv2d", "Flatten", "Linear"], g.Nodes.Select(n => n.Op.TypeName));
        var input = TestData.Floats(g.Inputs[0].Shape, 3);
        var reference = OnnxRuntimeReferenceTests.RunOnnxRuntime(dir.File("m.onnx"), input);
        using var session = new InferenceSession(g, new SessionOptions { Device = "cpu" });
        var ours = session.Run(input);
        double maxRef = reference.Floats.Max(v => Math.Abs(v)), maxErr = reference.Floats.Zip(ours.Floats, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr / maxRef <= 1e-5, $"relative error {maxErr / maxRef:G3}");
    }

    [Theory]
    [InlineData(6)]
    [InlineData(22)]
    public void Opsets_outside_7_to_21_are_refused_by_number(long opset)
    {
        var m = new OnnxTestModel(opset, 1, 2, 4, 4).Node("Relu", "r", ["x"], "y").Output("y");
        var e = Assert.Throws<GpuEngineException>(() => OnnxImporter.Import(OnnxFile.Parse(m.Bytes, "t.onnx"), "t.onnx", null));
        Assert.Contains($"opset {opset}", e.Message);
        Assert.Contains("7 to 21", e.Message);
    }
}
