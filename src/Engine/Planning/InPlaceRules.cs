using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Planning;

/// <summary>
/// The one place that says which ops may write over an input, and which are views of it.
/// Like ggml's <c>ggml_op_can_inplace</c>: a new op gets one row here and nowhere else.
/// </summary>
public static class InPlaceRules
{
    /// <summary>
    /// True when the op's output is its input's bytes reinterpreted (no kernel, no copy):
    /// Flatten and Reshape of a contiguous tensor, and Dropout, which is the identity at inference.
    /// </summary>
    public static bool IsView(Op op) => op is Flatten or Dropout or Reshape;

    /// <summary>
    /// True when the op's kernel may write its output over input <paramref name="input"/>:
    /// elementwise ops where output element i depends only on input elements i, so each thread
    /// reads its element before writing it and no other thread reads it. ReLU, ReLU6, BatchNorm2d
    /// (per-channel scale and shift) and Add qualify for every input. Convolutions, pooling and
    /// Linear read neighbourhoods (or whole rows) and never qualify.
    /// </summary>
    public static bool CanWriteOver(Op op, int input) => op switch
    {
        Relu or Relu6 or BatchNorm2d => input == 0,
        Add => input is 0 or 1,
        // Pointwise functions, and a broadcasting op over the operand that already has the output's shape
        // (the planner's size check rules out the broadcast one): x * gate, x + 3, x / 6.
        Unary => input == 0,
        Binary => true,
        // Data movement writes elements at other positions than it reads them (a thread's write lands where another
        // thread still reads): Concat, Transpose and Pad never write over an input. Concat's inputs live until its step.
        Concat or Transpose or Pad => false,
        _ => false,
    };

    /// <summary>
    /// The full rule, given what the planner knows at this step: the op allows it, the input's buffer
    /// dies at this step (no tensor sharing it is read later), and it has the output's size and element type.
    /// The graph input is no exception: like any tensor its bytes are free once its last reader ran
    /// (the executor writes it afresh before every run).
    /// </summary>
    public static bool CanTakeInputPlace(Op op, int input, bool inputDiesHere, long inputBytes, long outputBytes,
        DataType inputType, DataType outputType) =>
        CanWriteOver(op, input) && inputDiesHere && inputBytes == outputBytes && inputType == outputType;
}
