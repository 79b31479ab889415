using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Planning;

/// <summary>
/// Turns a graph (after fusion) into the ordered steps an executor runs, and types every tensor
/// for the plan's precision. int8 choices, stated once here:
/// the graph input stays float32 in the arena (the user's image as given; the first kernel quantizes
/// as it loads), activations are int8, addsum temporaries int32, and graph outputs are int8 (the
/// executor dequantizes them on read-back).
/// </summary>
internal static class ExecutionSteps
{
    /// <summary>A tensor of the plan before it has an offset.</summary>
    internal sealed record Draft(string Name, TensorShape Shape, DataType DataType, TensorRole Role)
    {
        public long Bytes => Shape.Elements * DataType.Size();
        public int First { get; set; }
        public int Last { get; set; } = -1;
    }

    public static (List<PlanStep> Steps, List<Draft> Tensors) Build(Graph graph, PlanOptions options)
    {
        var steps = new List<PlanStep>();
        var tensors = new List<Draft>();
        var byName = new Dictionary<string, Draft>();
        bool int8 = options.Precision == Precision.Int8;
        var outputs = graph.Outputs.ToHashSet();

        Draft Define(string name, TensorShape shape, DataType type, TensorRole role)
        {
            if (byName.ContainsKey(name))
                throw new GpuEngineException($"graph '{graph.Name}': tensor '{name}' is defined twice, so it cannot be planned");
            var d = new Draft(name, shape, type, outputs.Contains(name) ? TensorRole.GraphOutput : role) { First = steps.Count };
            byName[name] = d;
            tensors.Add(d);
            return d;
        }

        foreach (var input in graph.Inputs) Define(input.Name, input.Shape, DataType.Float32, TensorRole.GraphInput);
        var activation = int8 ? DataType.Int8 : DataType.Float32;
        foreach (var node in graph.Nodes)
        {
            foreach (var name in node.Inputs)
            {
                if (!byName.TryGetValue(name, out var used))
                    throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': input '{name}' is not defined before it is used");
                used.Last = steps.Count;
            }
            var shape = graph.OutputShape(node);
            if (int8 && options.Mode == Int8Mode.Addsum && node.Op is Conv2d or Linear)
            {
                var addsum = Define(PlanStep.AddsumName(node.Output), shape, DataType.Int32, TensorRole.Addsum);
                steps.Add(new PlanStep(steps.Count, node.Name, StepKind.Kernel, node, node.Inputs, addsum.Name));
                addsum.Last = steps.Count;
                Define(node.Output, shape, activation, TensorRole.Activation);
                steps.Add(new PlanStep(steps.Count, PlanStep.RequantizeName(node.Name), StepKind.Requantize, node, [addsum.Name], node.Output));
            }
            else
            {
                // A view takes the type of what it views: Flatten of the float32 graph input stays float32.
                var type = InPlaceRules.IsView(node.Op) ? byName[node.Inputs[0]].DataType : activation;
                Define(node.Output, shape, type, TensorRole.Activation);
                steps.Add(new PlanStep(steps.Count, node.Name, InPlaceRules.IsView(node.Op) ? StepKind.View : StepKind.Kernel,
                    node, node.Inputs, node.Output));
            }
        }
        int end = Math.Max(steps.Count - 1, 0);
        foreach (var t in tensors)
        {
            // Outputs stay until the executor reads them back; a tensor nobody reads lives at its own step.
            if (t.Role == TensorRole.GraphOutput) t.Last = end;
            else if (t.Last < t.First) t.Last = Math.Min(t.First, end);
        }
        foreach (var name in graph.Outputs)
        {
            if (!byName.ContainsKey(name)) throw new GpuEngineException($"graph '{graph.Name}': output '{name}' is not defined");
        }
        return (steps, tensors);
    }
}
