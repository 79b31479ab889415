using ILGPU;
using ILGPU.Algorithms;

namespace GpuEngine.Kernels.Ops;

/// <summary>Softmax along one axis of an fp32 tensor seen as [outer, length, inner]: one thread a row.</summary>
public static class SoftmaxKernels
{
    /// <summary>
    /// For each row r = (o, j) with o &lt; outer, j &lt; inner: output = exp(x - max) / sum over the row's
    /// <paramref name="length"/> elements at o·length·inner + k·inner + j. The max is subtracted so exp cannot overflow.
    /// Grid: <c>LaunchGrid.Linear(outer·inner)</c> or smaller (grid-stride loop). Rows are few and short in a CNN's head.
    /// </summary>
    [Kernel]
    public static void Softmax(ArrayView<float> input, ArrayView<float> output, int rows, int length, int inner)
    {
        for (int r = Grid.GlobalIndex.X; r < rows; r += Grid.DimX * Group.DimX)
        {
            int start = r / inner * length * inner + r % inner;
            float max = input[start];
            for (int k = 1; k < length; k++) max = Math.Max(max, input[start + k * inner]);
            float sum = 0f;
            for (int k = 0; k < length; k++) sum += XMath.Exp(input[start + k * inner] - max);
            for (int k = 0; k < length; k++) output[start + k * inner] = XMath.Exp(input[start + k * inner] - max) / sum;
        }
    }
}
