using Google.Protobuf;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Ops;
using GpuEngine.Passes;

namespace GpuEngine.Loading.Onnx;

/// <summary>
/// Writes an engine graph with weights as an ONNX model (IR 8, opset 13, fp32). Tensor names are the graph's,
/// node names the engine's, weights are initializers named <c>&lt;node&gt;.&lt;role&gt;</c> — so importing the file
/// gives the same graph back (with an adaptive pool that has no fixed window folded into the Linear after it).
/// Fused activations become a separate Relu/Clip node after their op.
/// </summary>
internal static class OnnxExporter
{
    public const int Opset = 13;
    public const int IrVersion = 8;

    /// <summary>Written into doc_string of nodes that are functional steps (torch.flatten, x + y), not modules.</summary>
    public const string FunctionalMark = "gpuengine:functional";

    public static ModelProto Export(Graph graph)
    {
        // ONNX's AveragePool has one fixed window, so an adaptive pool whose bins differ or overlap (VGG below 224: a
        // 2x2 map to 7x7) has no ONNX form; before Flatten and Linear it is linear and folds exactly into the Gemm. A
        // graph pass rather than ONNX-node surgery: weights and names get GraphRewrite's bookkeeping, the fold is tested
        // on its own against the reference interpreter, and the file imports back as exactly the folded graph.
        graph = AdaptivePoolFolding.Apply(graph, (pool, x) => !pool.TilesInput(x));
        var g = new GraphProto { Name = graph.Name };
        foreach (var input in graph.Inputs) g.Input.Add(ValueInfo(input));
        foreach (var output in graph.Outputs) g.Output.Add(ValueInfo(graph.Tensor(output)));
        foreach (var node in graph.Nodes) ExportNode(graph, node, g);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "GpuEngine",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = g,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        };
        ScopeReplay.Write(model, graph, g.Node.Count);
        return model;
    }

    private static void ExportNode(Graph graph, Node node, GraphProto g)
    {
        var (opType, fused) = node.Op switch
        {
            Conv2d c => ("Conv", c.Fused),
            BatchNorm2d => ("BatchNormalization", Activation.None),
            Relu => ("Relu", Activation.None),
            Relu6 => ("Clip", Activation.None),
            Dropout => ("Dropout", Activation.None),
            MaxPool2d => ("MaxPool", Activation.None),
            AvgPool2d => ("AveragePool", Activation.None),
            AdaptiveAvgPool2d a => (a.IsGlobal ? "GlobalAveragePool" : "AveragePool", Activation.None),
            Linear l => ("Gemm", l.Fused),
            Flatten => ("Flatten", Activation.None),
            Add a => ("Add", a.Fused),
            _ => throw new GpuEngineException($"ONNX export: {node.Op.TypeName} node '{node.Name}' has no ONNX equivalent in the exporter"),
        };
        string output = fused == Activation.None ? node.Output : node.Output + ".preact";
        var n = new NodeProto { Name = node.Name, OpType = opType, Output = { output } };
        n.Input.AddRange(node.Inputs);
        if (!node.IsModule) n.DocString = FunctionalMark;
        foreach (var p in node.Op.Parameters)
        {
            string name = node.ParameterName(p.Role);
            n.Input.Add(name);
            g.Initializer.Add(OnnxTensors.FromFloat(name, graph.Weight(name)));
        }
        Attributes(graph, node, n, g);
        g.Node.Add(n);
        if (fused != Activation.None)
        {
            var act = new NodeProto { Name = node.Name + ".act", OpType = fused == Activation.Relu ? "Relu" : "Clip", Input = { output }, Output = { node.Output } };
            if (fused == Activation.Relu6) ClipBounds(act, node.Name + ".act", g);
            g.Node.Add(act);
        }
    }

    private static void Attributes(Graph graph, Node node, NodeProto n, GraphProto g)
    {
        switch (node.Op)
        {
            case Conv2d c:
                n.Attribute.Add(Ints("kernel_shape", c.Kernel.H, c.Kernel.W));
                n.Attribute.Add(Ints("strides", c.Stride.H, c.Stride.W));
                n.Attribute.Add(Ints("pads", c.Padding.H, c.Padding.W, c.Padding.H, c.Padding.W));
                n.Attribute.Add(Ints("dilations", c.Dilation.H, c.Dilation.W));
                n.Attribute.Add(Int("group", c.Groups));
                break;
            case BatchNorm2d bn:
                n.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = bn.Epsilon });
                break;
            case Relu6:
                ClipBounds(n, node.Name, g);
                break;
            case Dropout d:
                n.Input.Add(node.Name + ".ratio");
                g.Initializer.Add(OnnxTensors.Scalar(node.Name + ".ratio", d.P));
                break;
            case WindowPool2d p:
                n.Attribute.Add(Ints("kernel_shape", p.Kernel.H, p.Kernel.W));
                n.Attribute.Add(Ints("strides", p.Stride.H, p.Stride.W));
                n.Attribute.Add(Ints("pads", p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W));
                n.Attribute.Add(Int("ceil_mode", p.CeilMode ? 1 : 0));
                if (p is AvgPool2d avg) n.Attribute.Add(Int("count_include_pad", avg.CountIncludePad ? 1 : 0));
                break;
            case AdaptiveAvgPool2d { IsGlobal: false } a:
                // Exact only where the input tiles the output: then it is a plain average pool. (Before Flatten and
                // Linear, other pools were folded away above.)
                var x = graph.InputShape(node);
                if (!a.TilesInput(x))
                    throw new GpuEngineException($"ONNX export: AdaptiveAvgPool2d '{node.Name}' pools {x} to {a.OutputSize}, which is no fixed window, and no Flatten and Linear follow it to fold it into; choose an input whose feature map there is a multiple of {a.OutputSize}");
                n.Attribute.Add(Ints("kernel_shape", x.H / a.OutputSize.H, x.W / a.OutputSize.W));
                n.Attribute.Add(Ints("strides", x.H / a.OutputSize.H, x.W / a.OutputSize.W));
                n.DocString = (n.DocString + $" gpuengine:adaptive {a.OutputSize.H}x{a.OutputSize.W}").Trim();
                break;
            case Linear:
                n.Attribute.Add(Int("transB", 1));
                break;
            case Flatten f when f.StartDim != 1:
                throw new GpuEngineException($"ONNX export: Flatten '{node.Name}' starts at dim {f.StartDim}; ONNX Flatten matches torch.flatten only from dim 1");
            case Flatten:
                n.Attribute.Add(Int("axis", 1));
                break;
        }
    }

    private static void ClipBounds(NodeProto n, string prefix, GraphProto g)
    {
        n.Input.Add(prefix + ".min");
        n.Input.Add(prefix + ".max");
        g.Initializer.Add(OnnxTensors.Scalar(prefix + ".min", 0f));
        g.Initializer.Add(OnnxTensors.Scalar(prefix + ".max", 6f));
    }

    private static ValueInfoProto ValueInfo(TensorInfo t)
    {
        if (t.DataType != DataType.Float32) throw new GpuEngineException($"ONNX export: tensor '{t.Name}' is {t.DataType.Name()}; only float32 graphs are exported");
        var shape = new TensorShapeProto();
        foreach (var d in t.Shape.Dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = t.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };
}
