using GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;

namespace GpuEngine.Tests.Planning;

/// <summary>
/// Concat keeps every input alive until its step (they are read there, from wherever each was produced), and
/// Transpose and Pad never take their dying input's place even where the sizes agree (a Transpose always; a Pad of zero
/// pads): checked by the byte-level simulation, which knows nothing of the planner's rules.
/// </summary>
public class DataMovementPlanTests
{
    [Theory]
    [InlineData(16, 1)]
    [InlineData(256, 2)]
    [InlineData(64, 3)]
    public void Concat_inputs_live_until_the_concat_and_moves_never_write_in_place(int alignment, int seed)
    {
        var random = new Random(seed);
        int n = 1 + random.Next(3), h = 3 + random.Next(5), w = 3 + random.Next(5);
        var b = new GraphBuilder("moves");
        b.Input("x", new TensorShape(n, 4, h, w));
        // Three branches made at different steps, read by the concat; the first is also a graph output.
        b.Add("a", new Relu(), "x");
        b.Add("b", new Transpose([0, 1, 3, 2]), "a");
        b.Add("bt", new Transpose([0, 1, 3, 2]), "b");
        b.Add("c", new Pad(PadMode.Constant, [0, 0, 0, 0], [0, 0, 0, 0]), "bt");
        b.Add("d", new Unary(UnaryKind.Sigmoid), "c");
        b.Add("cat", new Concat(1, 3), "a", "c", "d");
        b.Add("relu", new Relu(), "cat");
        b.Add("back", new Pad(PadMode.Edge, [0, 0, 1, 0], [0, 0, 0, 1]), "relu");
        b.Output("back");
        b.Output("a");
        var graph = b.Build();
        var plan = MemoryPlanner.Plan(graph, new PlanOptions { Alignment = alignment });
        PlanChecks.Simulate(plan);
        var cat = plan.Tensor("cat");
        foreach (var input in new[] { "a", "c", "d" })
        {
            var t = plan.Tensor(input);
            Assert.False(t.Offset < cat.Offset + cat.Bytes && cat.Offset < t.Offset + t.Bytes, $"concat output overlaps its input '{input}'");
        }
    }
}
