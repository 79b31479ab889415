using GpuEngine.Ir;
using GpuEngine.Ops;

namespace GpuEngine.Profiling.Costs;

/// <summary>
/// Pooling (RASP's source), window K = kh*kw: MaxPool2d flops = (K-1)*out, macc = K*out;
/// AvgPool2d flops = (2K-1)*out, macc = K*out. AdaptiveAvgPool2d (our convention) is average pooling
/// with each output's own window K_o: flops = sum(2*K_o - 1), macc = sum(K_o); for global pooling K = H*W.
/// </summary>
public static class Pool2dCost
{
    public static OpCounts CountMax(MaxPool2d pool, TensorShape input, TensorShape output)
    {
        long k = pool.Kernel.Area, n = output.Elements;
        return new OpCounts((k - 1) * n, k * n, input.Elements, n);
    }

    public static OpCounts CountAvg(AvgPool2d pool, TensorShape input, TensorShape output)
    {
        long k = pool.Kernel.Area, n = output.Elements;
        return new OpCounts((2 * k - 1) * n, k * n, input.Elements, n);
    }

    public static OpCounts CountAdaptiveAvg(AdaptiveAvgPool2d pool, TensorShape input, TensorShape output)
    {
        long windowSum = 0; // sum of window sizes over one output plane
        for (int i = 0; i < output.H; i++)
        {
            var (h0, h1) = AdaptiveAvgPool2d.Window(i, input.H, output.H);
            for (int j = 0; j < output.W; j++)
            {
                var (w0, w1) = AdaptiveAvgPool2d.Window(j, input.W, output.W);
                windowSum += (long)(h1 - h0) * (w1 - w0);
            }
        }
        long planes = (long)output.N * output.C, outputs = output.Elements;
        return new OpCounts(2 * windowSum * planes - outputs, windowSum * planes, input.Elements, outputs);
    }
}
