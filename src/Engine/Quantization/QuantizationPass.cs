using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;

namespace GpuEngine.Quantization;

/// <summary>
/// An execution graph made int8 by <see cref="QuantizationPass"/>: the graph's nodes run as int8 kernels with
/// <see cref="Model"/>'s layers, and the conversion nodes the pass inserted run around and between them.
/// </summary>
/// <param name="Graph">The deploy-form graph the int8 kernels compute (unchanged node for node).</param>
/// <param name="Model">Scales and int8 layers, one for every node that needs one (checked by the pass).</param>
/// <param name="Quantize">The input's float32 → int8 edge, first; it writes <see cref="QuantizationPass.QuantizedName"/>.</param>
/// <param name="Dequantize">The output's int8 → float32 edge, last; it writes <see cref="QuantizationPass.DequantizedName"/>.</param>
/// <param name="Requantizes">Addsum mode: each Conv2d/Linear's int32 addsum → int8 step, by the node it follows; empty when fused.</param>
public sealed record QuantizedGraph(Graph Graph, QuantizedModel Model, Node Quantize, Node Dequantize, IReadOnlyDictionary<string, Node> Requantizes)
{
    /// <summary>Every conversion node in execution order, each placed after the node it belongs to (the input's first).</summary>
    public IEnumerable<Node> Conversions => [Quantize, .. Graph.Nodes.Where(n => Requantizes.ContainsKey(n.Name)).Select(n => Requantizes[n.Name]), Dequantize];
}

/// <summary>
/// The quantization pass: takes a deploy-form execution graph and a <see cref="QuantizedModel"/> calibrated for it, checks
/// that the model covers every node and the input's shape, and inserts the conversions an int8 program needs: Quantize at
/// the input, Dequantize at the output, and in addsum mode a Requantize after every Conv2d and Linear. No model has the
/// edge conversions as layers; profiles count each with one: the input's with the first layer reading it, the output's
/// with the layer writing it.
/// </summary>
public static class QuantizationPass
{
    /// <summary>Name of the int8 copy of graph input <paramref name="input"/>.</summary>
    public static string QuantizedName(string input) => input + ".quantized";

    /// <summary>Name of the float32 copy of int8 graph output <paramref name="output"/>.</summary>
    public static string DequantizedName(string output) => output + ".dequantized";

    /// <summary>Applies the pass; errors name the node the model lacks or the shape it was not calibrated for.</summary>
    public static QuantizedGraph Apply(Graph graph, QuantizedModel model, Int8Mode mode)
    {
        model.CheckInput(graph.Inputs[0].Shape);
        foreach (var node in graph.Nodes.Where(NeedsLayer)) model.Layer(node);
        var input = graph.Inputs[0];
        string output = graph.Outputs[0];
        var firstLayer = graph.Nodes.First(n => n.Inputs.Contains(input.Name)).Layers[0];
        var lastLayer = graph.Nodes.Last(n => n.Output == output).Layers[^1];
        var quantize = new Node(QuantizedName(input.Name), new QuantizeOp(), [input.Name], QuantizedName(input.Name), Covers: [firstLayer]);
        var dequantize = new Node(DequantizedName(output), new DequantizeOp(), [output], DequantizedName(output), Covers: [lastLayer]);
        var requantizes = mode == Int8Mode.Addsum
            ? graph.Nodes.Where(n => n.Op is Conv2d or Linear).ToDictionary(n => n.Name,
                // Its own node, named as the plan's step, so the launch is told apart from the kernel's.
                n => new Node(PlanStep.RequantizeName(n.Name), new RequantizeOp(), [PlanStep.AddsumName(n.Output)], n.Output, Covers: n.Layers))
            : [];
        return new QuantizedGraph(graph, model, quantize, dequantize, requantizes);
    }

    /// <summary>Nodes whose int8 kernel reads a layer of the model: weights, rescales or clamps.</summary>
    private static bool NeedsLayer(Node node) => node.Op is Conv2d or Linear or Add or AdaptiveAvgPool2d { IsGlobal: true };
}
