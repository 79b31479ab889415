namespace GpuEngine.Tests.Kernels;

/// <summary>A convolution case and its float64 reference, written as the plain definition (NCHW, OIHW weights).</summary>
public sealed record ConvCase(int Batch, int Cin, int H, int W, int Cout, int Kh, int Kw, int Stride, int Pad, int Dilation, int Groups, bool Bias, int Activation)
{
    public int OutH => (H + 2 * Pad - Dilation * (Kh - 1) - 1) / Stride + 1;
    public int OutW => (W + 2 * Pad - Dilation * (Kw - 1) - 1) / Stride + 1;

    /// <summary>
    /// Exact int8 sums (bias included) by the definition, int64 loops; padding reads <paramref name="inputZeroPoint"/>.
    /// The reference of the int8 conv kernels and of their SIMD tactics.
    /// </summary>
    public long[] Int8Sums(sbyte[] input, sbyte[] weight, int[] bias, int inputZeroPoint)
    {
        var acc = new long[Batch * Cout * OutH * OutW];
        int cinG = Cin / Groups, coutG = Cout / Groups;
        for (int b = 0; b < Batch; b++)
            for (int co = 0; co < Cout; co++)
                for (int oy = 0; oy < OutH; oy++)
                    for (int ox = 0; ox < OutW; ox++)
                    {
                        long sum = Bias ? bias[co] : 0;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int ky = 0; ky < Kh; ky++)
                                for (int kx = 0; kx < Kw; kx++)
                                {
                                    int iy = oy * Stride - Pad + ky * Dilation, ix = ox * Stride - Pad + kx * Dilation;
                                    long x = iy < 0 || iy >= H || ix < 0 || ix >= W ? inputZeroPoint
                                        : input[((b * Cin + co / coutG * cinG + ci) * H + iy) * W + ix];
                                    sum += x * weight[((co * cinG + ci) * Kh + ky) * Kw + kx];
                                }
                        acc[((b * Cout + co) * OutH + oy) * OutW + ox] = sum;
                    }
        return acc;
    }

    public double[] Reference(float[] input, float[] weight, float[] bias)
    {
        var output = new double[Batch * Cout * OutH * OutW];
        int cinPerGroup = Cin / Groups, coutPerGroup = Cout / Groups;
        for (int b = 0; b < Batch; b++)
            for (int co = 0; co < Cout; co++)
                for (int oy = 0; oy < OutH; oy++)
                    for (int ox = 0; ox < OutW; ox++)
                    {
                        double sum = Bias ? bias[co] : 0;
                        int g = co / coutPerGroup;
                        for (int ci = 0; ci < cinPerGroup; ci++)
                            for (int ky = 0; ky < Kh; ky++)
                                for (int kx = 0; kx < Kw; kx++)
                                {
                                    int iy = oy * Stride - Pad + ky * Dilation, ix = ox * Stride - Pad + kx * Dilation;
                                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                    sum += (double)input[((b * Cin + g * cinPerGroup + ci) * H + iy) * W + ix]
                                        * weight[((co * cinPerGroup + ci) * Kh + ky) * Kw + kx];
                                }
                        output[((b * Cout + co) * OutH + oy) * OutW + ox] = Activation switch
                        {
                            1 => Math.Max(sum, 0),
                            2 => Math.Clamp(sum, 0, 6),
                            _ => sum,
                        };
                    }
        return output;
    }
}
