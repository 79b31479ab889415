using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;
using GpuEngine.Ops;

namespace GpuEngine.Loading.Onnx;

internal sealed partial class OnnxImporter
{
    private void ImportNode(NodeProto n, ScopeReplay scopes)
    {
        if (n.Domain is not ("" or "ai.onnx"))
            throw NodeError(n, $"is in domain '{n.Domain}'; only the default ONNX domain is supported");
        if (n.OpType == "ConstantOfShape" && TryFilledConstant(n)) return;
        if (TryFold(n)) return;
        switch (n.OpType)
        {
            case "Constant":
                _constants[OutputOf(n)] = ConstantValue(n);
                break;
            case "Identity":
                if (_constants.TryGetValue(Input(n, 0), out var c)) _constants[OutputOf(n)] = c;
                else _aliases[OutputOf(n)] = Resolve(Input(n, 0));
                break;
            case "Conv":
                ImportConv(n, scopes);
                break;
            case "BatchNormalization":
            {
                if (Int(n, "training_mode", 0) != 0) throw NodeError(n, "is in training mode; export the model in eval mode");
                string[] roles = ["weight", "bias", "running_mean", "running_var"];
                var tensors = roles.Select((r, i) => Float(n, i + 1, r)).ToArray();
                var op = new BatchNorm2d(tensors[0].Shape[0], Attr(n, "epsilon")?.F ?? 1e-5f);
                AddNode(n, NodeName(n, n.Input[1]), op, [Input(n, 0)], scopes, roles.Zip(tensors).ToDictionary(p => p.First, p => p.Second));
                break;
            }
            case "Relu":
                AddNode(n, NodeName(n, null), new Relu(), [Input(n, 0)], scopes);
                break;
            case "Clip":
                AddNode(n, NodeName(n, null), ClipOp(n), [Input(n, 0)], scopes);
                break;
            case "MaxPool" or "AveragePool":
                AddNode(n, NodeName(n, null), PoolOp(n), [Input(n, 0)], scopes);
                break;
            case "GlobalAveragePool":
                AddNode(n, NodeName(n, null), new AdaptiveAvgPool2d(1), [Input(n, 0)], scopes);
                break;
            case "Flatten":
                if (Int(n, "axis", 1) != 1) throw NodeError(n, $"has axis {Int(n, "axis", 1)}; only axis 1 (torch.flatten(x, 1)) is supported");
                AddNode(n, NodeName(n, null), new Flatten(), [Input(n, 0)], scopes);
                break;
            case "Reshape":
                ImportReshape(n, scopes);
                break;
            case "Gemm":
                ImportGemm(n, scopes);
                break;
            case "MatMul":
                ImportMatMul(n, scopes);
                break;
            case "Add" or "Sub" or "Mul" or "Div" or "Max":
                ImportBinary(n, scopes);
                break;
            case "Sigmoid" or "HardSigmoid" or "HardSwish" or "LeakyRelu":
                AddNode(n, NodeName(n, null), UnaryOp(n), [Input(n, 0)], scopes);
                break;
            case "Softmax":
                AddNode(n, NodeName(n, null), SoftmaxOp(n), [Input(n, 0)], scopes);
                break;
            case "Concat":
                ImportConcat(n, scopes);
                break;
            case "Transpose":
                ImportTranspose(n, scopes);
                break;
            case "Pad":
                ImportPad(n, scopes);
                break;
            case "Dropout":
            {
                float ratio = n.Input.Count > 1 && n.Input[1].Length > 0 ? Float(n, 1, "ratio").Floats[0] : Attr(n, "ratio")?.F ?? 0.5f;
                AddNode(n, NodeName(n, null), new Dropout(ratio), [Input(n, 0)], scopes);
                break;
            }
            default:
                throw NodeError(n, $"has op type '{n.OpType}', which GpuEngine does not import; supported: {string.Join(", ", SupportedOps)}; on constants (shape arithmetic, folded at load): {string.Join(", ", ConstantFolding.Ops)}");
        }
    }

    /// <summary>Shape arithmetic on constants (and Shape of an activation, whose shape is fixed at load) becomes a constant.</summary>
    private bool TryFold(NodeProto n)
    {
        if (!ConstantFolding.Ops.Contains(n.OpType) || n.Output.Count != 1) return false;
        var inputs = new List<ShapeConstant?>();
        foreach (var (name, i) in n.Input.Select((name, i) => (name, i)))
        {
            if (name.Length == 0) inputs.Add(null);
            else if (_constants.TryGetValue(name, out var t))
            {
                // A large constant is a weight (a Reshape of weights, a MatMul's bias): not shape arithmetic.
                if (ModelFile.CheckedElements(t.Dims, ShapeConstant.MaxElements) < 0) return false;
                inputs.Add(ShapeConstant.Of(t, _file));
            }
            else if (n.OpType == "Shape" && i == 0 && _shapes.TryGetValue(Resolve(name), out var shape))
                inputs.Add(new ShapeConstant([.. shape.Dims.Select(d => (long)d)], [], false));
            else inputs.Add(null);
        }
        var attributes = n.Attribute.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.First());
        var value = ConstantFolding.Fold(new ConstantFolding.FoldNode(n.OpType, inputs, attributes, _opset, detail => NodeError(n, detail), _file));
        if (value is null) return false;
        _constants[OutputOf(n)] = value.ToProto(OutputOf(n));
        return true;
    }

    private void ImportConv(NodeProto n, ScopeReplay scopes)
    {
        var w = Float(n, 1, "weight");
        if (w.Shape.Rank != 4) throw NodeError(n, $"has weight of shape {w.Shape}; 2-D convolutions (4-D weights) are supported");
        var bias = n.Input.Count > 2 && n.Input[2].Length > 0 ? Float(n, 2, "bias") : null;
        int group = (int)Int(n, "group", 1);
        var kernel = Pair(n, "kernel_shape", new Size2(w.Shape[2], w.Shape[3]));
        if (kernel != new Size2(w.Shape[2], w.Shape[3])) throw NodeError(n, $"has kernel_shape {kernel} but weight {w.Shape}");
        var stride = Pair(n, "strides", 1);
        var dilation = Pair(n, "dilations", 1);
        var padding = Padding(n, kernel, stride, dilation);
        if (group <= 0) throw NodeError(n, $"has group {group}");
        var op = new Conv2d(w.Shape[1] * group, w.Shape[0], kernel, stride, padding, dilation, group, bias is not null);
        var weights = new Dictionary<string, Tensor> { ["weight"] = w };
        if (bias is not null) weights["bias"] = bias;
        AddNode(n, NodeName(n, n.Input[1]), op, [Input(n, 0)], scopes, weights);
    }

    private void ImportGemm(NodeProto n, ScopeReplay scopes)
    {
        if (Int(n, "transA", 0) != 0) throw NodeError(n, "has transA=1; only x * W is supported");
        var b = Float(n, 1, "weight");
        if (b.Shape.Rank != 2) throw NodeError(n, $"has B of shape {b.Shape}; a matrix is expected");
        float alpha = Attr(n, "alpha")?.F ?? 1f, beta = Attr(n, "beta")?.F ?? 1f;
        // Linear keeps PyTorch's [out, in]; transB=0 files store [in, out].
        var weight = Int(n, "transB", 0) != 0 ? Scale(b, alpha) : Transpose(Scale(b, alpha));
        int outFeatures = weight.Shape[0];
        var weights = new Dictionary<string, Tensor> { ["weight"] = weight };
        if (n.Input.Count > 2 && n.Input[2].Length > 0) weights["bias"] = Bias(n, Float(n, 2, "bias"), outFeatures, beta);
        AddNode(n, NodeName(n, n.Input[1]), new Linear(weight.Shape[1], outFeatures, weights.ContainsKey("bias")), [Input(n, 0)], scopes, weights);
    }

    /// <summary>MatMul by a constant [in, out] matrix is a Linear; an Add of a constant vector right after it becomes its bias.</summary>
    private void ImportMatMul(NodeProto n, ScopeReplay scopes)
    {
        if (!IsConstant(Input(n, 1))) throw NodeError(n, "multiplies two activations; only a product with a constant matrix is supported");
        var b = Float(n, 1, "weight");
        if (b.Shape.Rank != 2) throw NodeError(n, $"has B of shape {b.Shape}; a matrix is expected");
        var weights = new Dictionary<string, Tensor> { ["weight"] = Transpose(b) };
        string? output = null;
        var next = _consumers.GetValueOrDefault(OutputOf(n));
        if (next is [{ OpType: "Add" } add] && add.Input.Count == 2)
        {
            int other = add.Input[0] == n.Output[0] ? 1 : 0;
            if (IsConstant(add.Input[other]))
            {
                weights["bias"] = Bias(add, Float(add, other, "bias"), b.Shape[1], 1f);
                _folded.Add(add);
                output = OutputOf(add);
            }
        }
        var op = new Linear(b.Shape[0], b.Shape[1], weights.ContainsKey("bias"));
        AddNode(n, NodeName(n, n.Input[1]), op, [Input(n, 0)], scopes, weights, output);
    }

    /// <summary>Reshape to a constant shape: torch.flatten(x, 1)'s pattern [N or 0, -1 or C*H*W] is a Flatten, any other a Reshape view.</summary>
    private void ImportReshape(NodeProto n, ScopeReplay scopes)
    {
        var shape = Longs(n, 1, "shape");
        var x = _shapes.TryGetValue(Resolve(Input(n, 0)), out var known) ? known : throw NodeError(n, $"reads '{Input(n, 0)}' before it is defined");
        long rest = x.Elements / x.N;
        bool flatten = shape.Length == 2 && (shape[0] == 0 || shape[0] == x.N || shape[0] == -1 && (shape[1] == rest))
            && (shape[1] == -1 || shape[1] == rest);
        if (flatten && x.Rank > 1) AddNode(n, NodeName(n, null), new Flatten(), [Input(n, 0)], scopes);
        else AddNode(n, NodeName(n, null), new Reshape(ReshapeTarget(n, x, shape)), [Input(n, 0)], scopes);
    }

    /// <summary>Clip(0, 6) is ReLU6, Clip(0, inf) ReLU and other bounds a Clip; bounds come from attributes (opset &lt; 11) or constant inputs.</summary>
    private Op ClipOp(NodeProto n)
    {
        float lo, hi;
        if (_opset < 11)
        {
            lo = Attr(n, "min")?.F ?? float.MinValue;
            hi = Attr(n, "max")?.F ?? float.MaxValue;
        }
        else
        {
            lo = n.Input.Count > 1 && n.Input[1].Length > 0 ? Float(n, 1, "min").Floats[0] : float.MinValue;
            hi = n.Input.Count > 2 && n.Input[2].Length > 0 ? Float(n, 2, "max").Floats[0] : float.MaxValue;
        }
        if (lo == 0 && hi == 6) return new Relu6();
        if (lo == 0 && (hi == float.MaxValue || float.IsPositiveInfinity(hi))) return new Relu();
        if (!(lo <= hi)) throw NodeError(n, $"clips to [{lo}, {hi}]; the lower bound must not exceed the upper");
        return new Unary(UnaryKind.Clip, lo, hi);
    }

    private Op PoolOp(NodeProto n)
    {
        // Our exporter writes AdaptiveAvgPool2d over a tiling input as AveragePool and marks it, to restore the op.
        var mark = System.Text.RegularExpressions.Regex.Match(n.DocString, @"gpuengine:adaptive (\d{1,5})x(\d{1,5})");
        if (n.OpType == "AveragePool" && mark.Success)
            return new AdaptiveAvgPool2d(new Size2(int.Parse(mark.Groups[1].Value), int.Parse(mark.Groups[2].Value)));
        var kernel = Pair(n, "kernel_shape", null);
        var stride = Pair(n, "strides", 1);
        if (Pair(n, "dilations", 1) != new Size2(1, 1)) throw NodeError(n, "has dilations; pooling without dilation is supported");
        var padding = Padding(n, kernel, stride, 1);
        bool ceil = Int(n, "ceil_mode", 0) != 0;
        return n.OpType == "MaxPool"
            ? new MaxPool2d(kernel, stride, padding, ceil)
            : new AvgPool2d(kernel, stride, padding, ceil, Int(n, "count_include_pad", 0) != 0);
    }
}
