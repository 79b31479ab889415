using GpuEngine.Ir;
using GpuEngine.Passes;
using GpuEngine.Planning;
using GpuEngine.Quantization;

namespace GpuEngine.Execution;

/// <summary>
/// What a session runs, before any device is chosen: the graph as given, the passes run over it, the execution graph,
/// its int8 form where the session is int8, and the memory plan. <c>plan</c>, <c>summary</c>, <c>profile</c> and the
/// session itself all read this one object, so they describe the same program.
/// </summary>
/// <param name="Model">The graph as given.</param>
/// <param name="Passes">The graph passes run, in order (<see cref="PassPipeline"/>).</param>
/// <param name="ExecutionGraph">The graph after the passes.</param>
/// <param name="Int8">The quantization pass's result; null for fp32, and for int8 compiled without a quantized model (plans only).</param>
/// <param name="Plan">The memory plan of the execution graph for the session's precision and int8 mode.</param>
public sealed record CompiledModel(Graph Model, IReadOnlyList<GraphPass> Passes, Graph ExecutionGraph, QuantizedGraph? Int8, MemoryPlan Plan);

/// <summary>
/// The one pipeline from a graph to a program: graph → <see cref="PassPipeline"/>'s passes → quantization pass (int8 with
/// a <see cref="SessionOptions.Quantization"/>) → memory plan. <see cref="InferenceSession"/> runs its result; the verbs
/// that only describe a program (plan, summary) stop here. Calibration is not part of it: the caller brings the
/// quantized model (<c>GpuEngine.Sessions.SessionFactory</c> calibrates one first where none is given).
/// </summary>
public static class ModelCompiler
{
    /// <summary>The passes <paramref name="options"/> ask for.</summary>
    public static PassOptions PassOptions(SessionOptions options) => new(options.Reparameterize, options.OptimizeGraph);

    /// <summary>Whether an int8 program of <paramref name="options"/> runs the layout pass on a device with (or without) int8 tensor cores.</summary>
    public static bool UsesNhwc(SessionOptions options, bool int8TensorCores) => options.Precision == Precision.Int8
        && (options.Int8Layout == Int8Layout.Nhwc || (options.Int8Layout == Int8Layout.Auto && int8TensorCores));

    /// <summary>The planner settings of a session: <see cref="SessionOptions.Plan"/> with the session's precision and int8 mode.</summary>
    public static PlanOptions PlanOptions(SessionOptions options) => options.Precision == Precision.Int8
        ? options.Plan with { Precision = Precision.Int8, Mode = options.Int8Mode }
        : options.Plan;

    /// <summary>
    /// Runs the pipeline on <paramref name="graph"/> as <paramref name="options"/> say (no device, no allocation). An int8
    /// program also gets <see cref="Int8LayoutPass"/> under <see cref="Int8Layout.Nhwc"/>, or under <see cref="Int8Layout.Auto"/>
    /// where <paramref name="int8TensorCores"/> says the device's fixed int8 conv is the tensor-core kernel.
    /// </summary>
    public static CompiledModel Compile(Graph graph, SessionOptions? options = null, bool int8TensorCores = false)
    {
        options ??= new SessionOptions();
        var passes = PassPipeline.For(PassOptions(options));
        var exec = PassPipeline.Apply(graph, passes);
        if (UsesNhwc(options, int8TensorCores)) exec = Int8LayoutPass.Apply(exec);
        var int8 = options.Precision == Precision.Int8 && options.Quantization is { } model
            ? QuantizationPass.Apply(exec, model, options.Int8Mode)
            : null;
        return new CompiledModel(graph, passes, exec, int8, MemoryPlanner.Plan(exec, PlanOptions(options)));
    }
}
