using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Pointwise ops (our convention, docs/conventions.md): flops per output = the function's arithmetic ops
/// (Sigmoid 4: negate, exp, add, divide; HardSigmoid 4: multiply, add, min, max; HardSwish 5: divide, add, min, max,
/// multiply; Clip 2; LeakyRelu 2: compare, multiply); macc = out, as RASP counts ReLU. Binary: 1 flop per output;
/// reads both operands at their own (unbroadcast) sizes, a constant operand counted as a parameter. Writes out.
/// Softmax: 5 flops per element (max, subtract, exp, add, divide), reads the input twice, writes out.
/// Reshape is a view: all zero.
/// </summary>
public static class ElementwiseCost
{
    public static OpCounts Count(Unary unary, TensorShape input, TensorShape output) =>
        new(FlopsPerElement(unary.Kind) * output.Elements, output.Elements, input.Elements, output.Elements);

    public static OpCounts Count(Binary binary, IReadOnlyList<TensorShape> inputs, TensorShape output) =>
        new(output.Elements, output.Elements, inputs.Sum(s => s.Elements), output.Elements);

    public static OpCounts CountSoftmax(TensorShape input, TensorShape output) =>
        new(5 * output.Elements, output.Elements, 2 * input.Elements, output.Elements);

    public static OpCounts CountReshape() => new(0, 0, 0, 0, IsView: true);

    /// <summary>Arithmetic ops of one application of <paramref name="kind"/>.</summary>
    public static long FlopsPerElement(UnaryKind kind) => kind switch
    {
        UnaryKind.Sigmoid or UnaryKind.HardSigmoid => 4,
        UnaryKind.HardSwish => 5,
        _ => 2,
    };
}
