using System.Text.Json.Nodes;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Quantization;
using GpuEngine.Sessions;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Passes;

/// <summary>
/// One way through (issue 14): <c>plan</c> and <c>summary</c> describe the program a session runs with the same options,
/// because all three take it from <see cref="ModelCompiler"/>. The verbs' printed figures are compared with a session's.
/// </summary>
public sealed class OneWayThroughTests
{
    private const string Shape = "1x3x32x32";

    private static InferenceSession Session(string model, SessionOptions options)
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create(model, TensorShape.Parse(Shape), 10), 7);
        return SessionFactory.Create(graph, options with { Device = "cpu", Calibration = new CalibrationOptions { Samples = 1 } });
    }

    [Theory]
    [InlineData("mobilenet_v2", "fp32")]
    [InlineData("repvgg-a0", "fp32")]
    [InlineData("repvgg-a0-train", "fp32")]
    [InlineData("repvgg-n1", "int8")]
    public void Plan_prints_the_plan_the_session_runs(string model, string precision)
    {
        var (exit, output, error) = Gpuengine.Run("plan", "-m", model, "--input", Shape, "--classes", "10", "--precision", precision, "--format", "json");
        Assert.True(exit == 0, error);
        var printed = JsonNode.Parse(output)!.AsObject();
        bool int8 = precision == "int8";
        using var session = Session(model, new SessionOptions { Precision = int8 ? Precision.Int8 : Precision.Fp32, Reparameterize = int8 });

        Assert.Equal(session.Plan.ArenaBytes, printed["arena_bytes"]!.GetValue<long>());
        Assert.Equal(session.Plan.WeightsBytes, printed["weights_bytes"]!.GetValue<long>());
        Assert.Equal(session.Plan.Tensors.Count, printed["tensors"]!.AsArray().Count);
        Assert.Equal(session.Plan.Steps.Count, printed["steps"]!.AsArray().Count);
        // The session's default graph is optimized: a deploy-form BatchNorm model plans no BatchNorm step (a train-time
        // RepVGG's identity BatchNorm stays unless re-parameterized).
        if (!model.EndsWith("-train", StringComparison.Ordinal)) Assert.DoesNotContain(session.ExecutionGraph.Nodes, n => n.Op is BatchNorm2d);
    }

    [Fact]
    public void Plan_unoptimized_plans_the_graph_as_given()
    {
        var (exit, output, error) = Gpuengine.Run("plan", "-m", "mobilenet_v2", "--input", Shape, "--unoptimized", "--format", "json");
        Assert.True(exit == 0, error);
        var asGiven = MemoryPlanner.Plan(ModelZoo.Create("mobilenet_v2", TensorShape.Parse(Shape)));
        Assert.Equal(asGiven.ArenaBytes, JsonNode.Parse(output)!["arena_bytes"]!.GetValue<long>());
        Assert.Equal(asGiven.Tensors.Count, JsonNode.Parse(output)!["tensors"]!.AsArray().Count);
    }

    [Fact]
    public void Fuse_is_still_accepted_and_re_parameterizes()
    {
        var (exit, output, error) = Gpuengine.Run("plan", "-m", "repvgg-a0-train", "--input", Shape, "--fuse", "--format", "json");
        Assert.True(exit == 0, error);
        using var session = Session("repvgg-a0-train", new SessionOptions { Reparameterize = true });
        Assert.Equal(session.Plan.ArenaBytes, JsonNode.Parse(output)!["arena_bytes"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("mobilenet_v2")]
    [InlineData("repvgg-a0")]
    public void Summary_lists_the_layers_the_sessions_launches_belong_to(string model)
    {
        var (exit, output, error) = Gpuengine.Run("summary", "-m", model, "--input", Shape, "--classes", "10", "--format", "csv");
        Assert.True(exit == 0, error);
        var listed = output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')[0]).ToList();
        using var session = Session(model, new SessionOptions());
        var launched = session.Launches.SelectMany(l => l.Node.Layers).Distinct().ToList();
        // Views (flatten, dropout) launch nothing; every other listed layer is computed by some launch, in the listed order.
        var views = session.Model.Nodes.Where(n => InPlaceRules.IsView(n.Op)).Select(n => n.Name).ToHashSet();
        Assert.Equal(listed.Where(l => !views.Contains(l)), launched);
        Assert.Equal(session.Model.Nodes.Select(n => n.Name), listed);
    }

    [Fact]
    public void An_int8_session_without_a_quantized_model_is_refused_by_the_constructor_and_calibrated_by_the_factory()
    {
        var graph = WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", TensorShape.Parse(Shape), 10), 3);
        var options = new SessionOptions { Device = "cpu", Precision = Precision.Int8, Calibration = new CalibrationOptions { Samples = 1 } };
        var e = Assert.Throws<GpuEngineException>(() => new InferenceSession(graph, options));
        Assert.Contains("SessionFactory.Create", e.Message);
        using var session = SessionFactory.Create(graph, options);
        Assert.NotNull(session.Quantization);
        // The conversions are the quantization pass's nodes: the session launches exactly those.
        var conversions = session.Launches.Select(l => l.Node).Where(n => n.Op is ConversionOp).ToList();
        Assert.Equal(session.Program.Int8!.Conversions, conversions);
    }
}
