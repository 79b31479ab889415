using Google.Protobuf;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Peer;
using GpuEngine.Tests.Kernels;
using static GpuEngine.Tests.Loading.OnnxTestModel;
using KernelReference = GpuEngine.Tests.Kernels.Reference;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Concat, Transpose, Pad and ConstantOfShape on activations, end to end: a model built here the way tf2onnx writes one
/// (NHWC input transposed to NCHW, convolutions, padding in all three modes, a channel concat, a filled constant added,
/// the result transposed back), imported by the engine and run on every device, against ONNX Runtime in process.
/// </summary>
public class DataMovementOnnxTests(ITestOutputHelper output)
{
    public static TheoryData<string, long, bool> Cases()
    {
        var data = new TheoryData<string, long, bool>();
        foreach (var device in InferenceSessionDevices.List())
        {
            data.Add(device, 10, false); // Pad's attribute form
            data.Add(device, 13, false); // Pad's input form, a negative Concat axis
            data.Add(device, 18, true); // Pad's axes input; a ConstantOfShape too large for shape arithmetic
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_tf2onnx_style_model_matches_OnnxRuntime(string device, long opset, bool large)
    {
        int h = large ? 130 : 9, w = large ? 129 : 11;
        var model = Model(opset, h, w);
        var graph = OnnxImporter.Import(OnnxFile.Parse(model.ToByteArray(), "t.onnx"), "t.onnx", null);
        Assert.Contains(graph.Nodes, n => n.Op is Concat { Axis: 1, Inputs: 3 });
        Assert.Equal(2, graph.Nodes.Count(n => n.Op is Ops.Transpose));
        Assert.Equal([PadMode.Constant, PadMode.Reflect, PadMode.Edge], graph.Nodes.Select(n => n.Op).OfType<Pad>().Select(p => p.Mode));
        // The filled constants are the Add's operand and the channel Concat's first operand (weights, not nodes).
        Assert.Contains(graph.Nodes, n => n.Op is Binary { Kind: BinaryKind.Add, Constant: not null });
        var padChannels = Assert.Single(graph.Nodes, n => n.Op is Concat { Inputs: 1 });
        Assert.Equal(new ConcatConstant(0, new TensorShape(2, 2, h + 3, w + 3)), ((Concat)padChannels.Op).ConstantOperands.Single());
        Assert.All(graph.Weight(padChannels.ParameterName("constant0")).Floats, v => Assert.Equal(0f, v));

        var random = new Random((int)opset);
        var input = Tensor.FromFloats(new TensorShape(2, h, w, 3), KernelReference.RandomFloats(random, 2 * h * w * 3));
        using var peer = new OnnxRuntimePeer(model, new PeerOptions(Optimize: false, Threads: 1));
        var expected = peer.Run(input)[peer.OutputNames[0]];
        using var session = new InferenceSession(graph, new SessionOptions { Device = device });
        var actual = session.Run(input);
        Assert.Equal(expected.Shape, actual.Shape);
        double maxRef = expected.Floats.Max(v => Math.Abs((double)v));
        double maxErr = expected.Floats.Zip(actual.Floats, (e, a) => Math.Abs((double)e - a)).Max();
        output.WriteLine($"{device} opset {opset} {expected.Shape}: max |difference| {maxErr:G3}, max |reference| {maxRef:G3}, relative {maxErr / maxRef:G3}");
        Assert.True(maxErr / maxRef <= 1e-4, $"relative error {maxErr / maxRef:G3} > 1e-4");
    }

    [Fact]
    public void Int8_sessions_refuse_data_movement_ops_naming_node_and_op()
    {
        var graph = OnnxImporter.Import(OnnxFile.Parse(Model(13, 9, 11).ToByteArray(), "t.onnx"), "t.onnx", null);
        var e = Assert.Throws<GpuEngineException>(() => GpuEngine.Sessions.SessionFactory.Create(graph,
            new SessionOptions { Device = "cpu", Precision = Precision.Int8, Calibration = new() { Samples = 1 } }));
        output.WriteLine(e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // The first node is the NHWC -> NCHW Transpose.
        Assert.Contains("Transpose 'to_nchw'", e.Message);
        Assert.Contains("no int8 kernel path", e.Message);
    }

    [Theory]
    [InlineData("wrap", "mode 'wrap'")]
    [InlineData("crop", "no cropping")]
    [InlineData("concat-constants", "not folded")]
    [InlineData("perm", "no permutation")]
    public void Unsupported_forms_are_refused_with_the_node(string form, string expected)
    {
        var m = new OnnxTestModel(19, 1, 2, 4, 4).Init("k", 1, 2, 4, 4).Longs("pads", 0, 0, 1, 1, 0, 0, 1, 1).Longs("crop", 0, 0, -1, 0, 0, 0, 0, 0);
        m = form switch
        {
            "wrap" => m.Node("Pad", "pad", ["x", "pads"], "y", Str("mode", "wrap")),
            "crop" => m.Node("Pad", "pad", ["x", "crop"], "y"),
            "concat-constants" => m.Init("big", 1, 2, 200, 200).Node("Concat", "cat", ["k", "big"], "y", Int("axis", 2)),
            _ => m.Node("Transpose", "tr", ["x"], "y", Ints("perm", 0, 1, 1, 2)),
        };
        var e = Assert.Throws<GpuEngineException>(() => OnnxImporter.Import(OnnxFile.Parse(m.Output("y").Bytes, "t.onnx"), "t.onnx", null));
        Assert.Contains("opset 19", e.Message);
        Assert.Contains(expected, e.Message);
    }

    /// <summary>
    /// x [2, h, w, 3] NHWC → Transpose → Conv 3→5 + ReLU → Pad constant 0.25 ‖ Pad reflect ‖ Pad edge of the transposed
    /// input → Concat (11 channels) → Conv 1x1 → + ConstantOfShape(Shape) of 1.5 → two zero channels concatenated in
    /// front (ResNet's option-A shortcut) → Transpose back to NHWC.
    /// </summary>
    private static ModelProto Model(long opset, int h, int w)
    {
        var m = new OnnxTestModel(opset, 2, h, w, 3).Init("w1", 5, 3, 3, 3).Init("b1", 5).Init("w2", 4, 11, 1, 1).Init("b2", 4);
        m.Node("Transpose", "to_nchw", ["x"], "t", Ints("perm", 0, 3, 1, 2))
            .Node("Conv", "conv1", ["t", "w1", "b1"], "c1", Ints("pads", 1, 1, 1, 1)).Node("Relu", "relu1", ["c1"], "r1");
        Pad(m, opset, "pad_constant", "r1", "p1", "constant", [0, 0, 1, 2, 0, 0, 2, 1], 0.25f);
        Pad(m, opset, "pad_reflect", "t", "p2", "reflect", [0, 0, 2, 1, 0, 0, 1, 2], 0);
        Pad(m, opset, "pad_edge", "t", "p3", "edge", [0, 0, 1, 1, 0, 0, 2, 2], 0);
        m.Node("Concat", "concat", ["p1", "p2", "p3"], "cat", Int("axis", opset >= 11 ? -3 : 1))
            .Node("Conv", "conv2", ["cat", "w2", "b2"], "c2")
            .Node("Shape", "shape", ["c2"], "s")
            .Node("ConstantOfShape", "fill", ["s"], "z", new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
                T = new TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 1.5f } } })
            .Node("Add", "add", ["c2", "z"], "a")
            .Longs("zeros.shape", 2, 2, h + 3, w + 3)
            .Node("ConstantOfShape", "zeros", ["zeros.shape"], "zeros")
            .Node("Concat", "pad_channels", ["zeros", "a"], "a6", Int("axis", 1))
            .Node("Transpose", "to_nhwc", ["a6"], "y", Ints("perm", 0, 2, 3, 1)).Output("y");
        return m.Model;
    }

    private static void Pad(OnnxTestModel m, long opset, string name, string input, string output, string mode, long[] pads, float value)
    {
        if (opset < 11)
        {
            m.Node("Pad", name, [input], output, Str("mode", mode), Ints("pads", pads), Float("value", value));
            return;
        }
        if (opset >= 18)
        {
            // Only the spatial axes, through opset 18's axes input.
            m.Longs(name + ".pads", pads[2], pads[3], pads[6], pads[7]).Longs(name + ".axes", 2, -1);
            m.Node("Pad", name, [input, name + ".pads", "", name + ".axes"], output, Str("mode", mode));
            return;
        }
        m.Longs(name + ".pads", pads).Scalar(name + ".value", value);
        m.Node("Pad", name, [input, name + ".pads", name + ".value"], output, Str("mode", mode));
    }

    private static AttributeProto Str(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
