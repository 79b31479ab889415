using GpuEngine.Ir;
using GpuEngine.Loading.Onnx;
using GpuEngine.Ops;
using static GpuEngine.Tests.Loading.OnnxTestModel;

namespace GpuEngine.Tests.Loading;

public class OnnxImportTests
{
    private static Ir.Graph Import(OnnxTestModel m) => OnnxImporter.Import(OnnxFile.Parse(m.Bytes, "t.onnx"), "t.onnx", null);

    [Fact]
    public void Every_supported_op_imports()
    {
        var m = new OnnxTestModel(13, 1, 3, 8, 8)
            .Init("c.weight", 4, 3, 3, 3).Init("c.bias", 4)
            .Init("bn.weight", 4).Init("bn.bias", 4).Init("bn.running_mean", 4).Scalar("unused", 0)
            .Init("fc.weight", 5, 4).Init("fc.bias", 5).Init("mm.B", 5, 3).Init("mm.bias", 3)
            .Scalar("lo", 0).Scalar("hi", 6);
        // running_var must be positive for ONNX Runtime, not for the importer: random values are fine here.
        m.Init("bn.running_var", 4)
            .Node("Conv", "/c/Conv", ["x", "c.weight", "c.bias"], "c_out", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1))
            .Node("BatchNormalization", "/bn/BN", ["c_out", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], "bn_out", Float("epsilon", 1e-3f))
            .Node("Relu", "relu", ["bn_out"], "r")
            .Node("Identity", "id", ["r"], "r2")
            .Node("MaxPool", "pool", ["r2"], "p", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))
            .Node("Clip", "clip", ["p", "lo", "hi"], "c6")
            .Node("AveragePool", "avg", ["c6"], "a", Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 1))
            .Node("Add", "add", ["a", "c6"], "s")
            .Node("GlobalAveragePool", "gap", ["s"], "g")
            .Node("Flatten", "flat", ["g"], "f", Int("axis", 1))
            .Node("Gemm", "/fc/Gemm", ["f", "fc.weight", "fc.bias"], "fc", Int("transB", 1))
            .Node("Dropout", "drop", ["fc"], "d")
            .Node("Constant", "shape", [], "shape", LongsAttr("value_ints", 0, -1))
            .Node("Reshape", "reshape", ["d", "shape"], "rs")
            .Node("MatMul", "mm", ["rs", "mm.B"], "mm_out")
            .Node("Add", "mm_add", ["mm_out", "mm.bias"], "y")
            .Output("y");
        var g = Import(m);
        Assert.Equal(["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "ReLU6", "AvgPool2d", "Add", "AdaptiveAvgPool2d", "Flatten", "Linear", "Dropout", "Flatten", "Linear"],
            g.Nodes.Select(n => n.Op.TypeName));
        Assert.Equal(["c", "bn", "fc"], g.Nodes.Where(n => n.Op is Conv2d or BatchNorm2d or Linear { InFeatures: 4 }).Select(n => n.Name));
        Assert.Equal(new TensorShape(1, 3), g.Tensor("y").Shape);
        Assert.Equal(["y"], g.Outputs);
        Assert.Equal("r", g.Nodes.Single(n => n.Op is MaxPool2d).Inputs[0]); // Identity folded away
        Assert.Equal(1e-3f, ((BatchNorm2d)g.Nodes[1].Op).Epsilon);
        Assert.True(((AvgPool2d)g.Nodes[5].Op).CountIncludePad);
        var mm = (Linear)g.Nodes[^1].Op;
        Assert.True(mm.HasBias);
        Assert.Equal(new TensorShape(3, 5), g.Weight("mm.weight").Shape); // [in, out] transposed to PyTorch's [out, in]
        Assert.Equal(g.Parameters.Count, g.Weights.Count);
    }

    [Fact]
    public void Gemm_without_transB_and_with_alpha_is_folded_into_the_weight()
    {
        var m = new OnnxTestModel(13, 1, 4).Init("w", 4, 2).Init("b", 2)
            .Node("Gemm", "fc", ["x", "w", "b"], "y", Float("alpha", 2f), Float("beta", 0.5f)).Output("y");
        var raw = m.Model.Graph.Initializer;
        var g = Import(m);
        var w = g.Weight("fc.weight");
        Assert.Equal(new TensorShape(2, 4), w.Shape);
        Assert.Equal(raw[0].FloatData[1] * 2f, w.Floats[4]); // B[0,1] -> W[1,0], times alpha
        Assert.Equal(raw[1].FloatData[0] * 0.5f, g.Weight("fc.bias").Floats[0]);
    }

    [Fact]
    public void Clip_bounds_come_from_attributes_before_opset_11()
    {
        var m = new OnnxTestModel(9, 1, 2, 4, 4).Node("Clip", "c", ["x"], "y", Float("min", 0), Float("max", 6)).Output("y");
        Assert.IsType<Relu6>(Import(m).Nodes[0].Op);
    }

    [Fact]
    public void Pointwise_ops_constants_and_reshapes_import_as_their_engine_ops()
    {
        var m = new OnnxTestModel(13, 1, 2, 4, 4).Init("k", 2, 1, 1).Scalar("lo", -1).Scalar("hi", 1).Longs("s", 1, 8, 4)
            .Node("Mul", "scale", ["k", "x"], "a").Node("HardSigmoid", "hs", ["a"], "b").Node("Clip", "clip", ["b", "lo", "hi"], "c")
            .Node("Reshape", "rs", ["c", "s"], "d").Node("Softmax", "sm", ["d"], "y").Output("y");
        var g = Import(m);
        Assert.Equal(new Binary(BinaryKind.Mul, new TensorShape(2, 1, 1), ConstantFirst: true), g.Nodes[0].Op);
        Assert.Equal(new Unary(UnaryKind.HardSigmoid, 0.2f, 0.5f), g.Nodes[1].Op);
        Assert.Equal(new Unary(UnaryKind.Clip, -1, 1), g.Nodes[2].Op);
        Assert.Equal(new Reshape(new TensorShape(1, 8, 4)), g.Nodes[3].Op);
        Assert.Equal(new Softmax(2), g.Nodes[4].Op);
        Assert.Equal(new TensorShape(1, 8, 4), g.Tensor("y").Shape);
    }

    [Fact]
    public void An_unsupported_op_names_node_op_type_and_opset()
    {
        var m = new OnnxTestModel(17, 1, 2, 4, 4).Node("Resize", "/head/act/Resize", ["x"], "y").Output("y");
        var e = Assert.Throws<GpuEngineException>(() => Import(m));
        Assert.Contains("t.onnx", e.Message);
        Assert.Contains("'/head/act/Resize'", e.Message);
        Assert.Contains("'Resize'", e.Message);
        Assert.Contains("opset 17", e.Message);
    }

    [Theory]
    [InlineData("pads", "asymmetric")]
    [InlineData("clip", "must not exceed")]
    [InlineData("reshape", "cannot reshape")]
    [InlineData("add-const", "do not broadcast")]
    public void Unsupported_forms_of_supported_ops_are_named(string form, string expected)
    {
        var m = new OnnxTestModel(13, 1, 2, 4, 4).Init("w", 2, 2, 3, 3).Scalar("lo", -1).Scalar("hi", 1).Longs("s", 1, 3, 16).Init("k", 3);
        m = form switch
        {
            "pads" => m.Node("Conv", "conv", ["x", "w"], "y", Ints("pads", 0, 0, 1, 1)),
            "clip" => m.Node("Clip", "clip", ["x", "hi", "lo"], "y"),
            "reshape" => m.Node("Reshape", "rs", ["x", "s"], "y"),
            _ => m.Node("Add", "add", ["x", "k"], "y"),
        };
        var e = Assert.Throws<GpuEngineException>(() => Import(m.Output("y")));
        Assert.Contains(expected, e.Message);
        Assert.Contains("t.onnx", e.Message);
    }

    [Fact]
    public void A_symbolic_batch_defaults_to_1_and_the_given_shape_wins()
    {
        var m = new OnnxTestModel(13, 1, 2, 4, 4).Node("Relu", "r", ["x"], "y").Output("y");
        var model = m.Model;
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam = "N";
        Assert.Equal(new TensorShape(1, 2, 4, 4), OnnxImporter.Import(model, "t", null).Tensor("y").Shape);
        Assert.Equal(new TensorShape(3, 2, 5, 5), OnnxImporter.Import(model, "t", new TensorShape(3, 2, 5, 5)).Tensor("y").Shape);
    }

    [Fact]
    public void Bytes_that_are_not_a_model_are_a_named_error()
    {
        var e = Assert.Throws<GpuEngineException>(() => OnnxFile.Parse([0xff, 0xff, 0xff, 0xff, 0x0f], "junk.onnx"));
        Assert.Contains("junk.onnx", e.Message);
    }

    private static GpuEngine.Loading.Onnx.Proto.AttributeProto LongsAttr(string name, params long[] v) => Ints(name, v);
}
