namespace GpuEngine.Planning;

/// <summary>
/// Decides which tensors share a buffer, walking the steps in order: a view joins its input's buffer;
/// an op that <see cref="InPlaceRules"/> allows joins the buffer of an input that dies at that step;
/// every other tensor gets a buffer of its own. A buffer's lifetime is the union of its tensors'.
/// </summary>
internal static class BufferSharing
{
    /// <summary>A buffer before it has an offset.</summary>
    internal sealed class Draft(int index, long alignedBytes, int first, int last)
    {
        public int Index { get; } = index;
        public long AlignedBytes { get; set; } = alignedBytes;
        public int First { get; set; } = first;
        public int Last { get; set; } = last;
        public List<int> Tensors { get; } = [];

        /// <summary>True once a graph output is in it: the executor reads it after the last step, so it never dies.</summary>
        public bool HoldsGraphOutput { get; set; }
    }

    public static (List<Draft> Buffers, int[] BufferOf, Placement[] Placements) Assign(
        IReadOnlyList<PlanStep> steps, IReadOnlyList<ExecutionSteps.Draft> tensors, PlanOptions options)
    {
        var index = new Dictionary<string, int>();
        for (int i = 0; i < tensors.Count; i++) index[tensors[i].Name] = i;
        var bufferOf = new int[tensors.Count];
        var placements = new Placement[tensors.Count];
        var buffers = new List<Draft>();

        void Join(int tensor, Draft buffer, Placement placement)
        {
            var t = tensors[tensor];
            bufferOf[tensor] = buffer.Index;
            placements[tensor] = placement;
            buffer.Tensors.Add(tensor);
            buffer.First = Math.Min(buffer.First, t.First);
            buffer.Last = Math.Max(buffer.Last, t.Last);
            buffer.AlignedBytes = Math.Max(buffer.AlignedBytes, options.Align(t.Bytes));
            buffer.HoldsGraphOutput |= t.Role == TensorRole.GraphOutput;
        }

        void Own(int tensor)
        {
            var t = tensors[tensor];
            var buffer = new Draft(buffers.Count, options.Align(t.Bytes), t.First, t.Last);
            buffers.Add(buffer);
            Join(tensor, buffer, Placement.Own);
        }

        // Graph inputs come first in the tensor list (defined before step 0).
        for (int i = 0; i < tensors.Count && tensors[i].Role == TensorRole.GraphInput; i++) Own(i);
        foreach (var step in steps)
        {
            int output = index[step.Output];
            var o = tensors[output];
            if (step.Kind == StepKind.View)
            {
                Join(output, buffers[bufferOf[index[step.Inputs[0]]]], Placement.Alias);
                continue;
            }
            Draft? target = null;
            for (int k = 0; k < step.Inputs.Count && target is null && step.Kind == StepKind.Kernel; k++)
            {
                int input = index[step.Inputs[k]];
                var buffer = buffers[bufferOf[input]];
                var t = tensors[input];
                // buffer.Last is the last read of every tensor placed in it so far; later tensors can only
                // join it at this step or after, so Last == this step means nothing reads it afterwards
                // (unless it holds a graph output, whose last reader is the executor after the last step).
                bool dies = buffer.Last == step.Index && !buffer.HoldsGraphOutput;
                if (InPlaceRules.CanTakeInputPlace(step.Node.Op, k, dies, t.Bytes, o.Bytes, t.DataType, o.DataType))
                    target = buffer;
            }
            if (target is null) Own(output);
            else Join(output, target, Placement.InPlace);
        }
        return (buffers, bufferOf, placements);
    }
}
