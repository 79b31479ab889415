using GpuEngine.Backends;

namespace GpuEngine.Tests.Execution;

/// <summary>A window-pooling case (PyTorch semantics, floor or ceil mode) and its float64 loops, for the pooling tactic tests.</summary>
internal sealed record PoolCase(int Planes, int H, int W, int Kh, int Kw, int Sh, int Sw, int Ph, int Pw, bool Ceil)
{
    public static readonly PoolCase[] Cases =
    [
        new(6, 11, 13, 3, 3, 2, 2, 1, 1, false),  // the usual 3×3 stride 2, odd sizes
        new(3, 8, 8, 2, 2, 2, 2, 0, 0, false),
        new(2, 40, 45, 3, 3, 1, 1, 1, 1, false),  // stride 1, rows longer than a vector plus a tail
        new(4, 7, 9, 3, 3, 2, 2, 1, 1, true),     // ceil mode: last windows run past the padding
        new(5, 14, 14, 3, 2, 2, 1, 0, 1, true),   // non-square window and stride
        new(2, 112, 112, 3, 3, 2, 2, 1, 1, false), // a stem's pool
        new(16, 4, 4, 2, 2, 2, 2, 0, 0, false),
    ];

    public int OutH => Out(H, Kh, Sh, Ph);
    public int OutW => Out(W, Kw, Sw, Pw);
    public int OutputLength => Planes * OutH * OutW;

    /// <summary>The pooling kernels' scalars after the two views (the fields of Pool2dParams).</summary>
    public KernelArgument[] Scalars() => [.. new[] { Planes, H, W, Kh, Kw, Sh, Sw, Ph, Pw, OutH, OutW }.Select(KernelArgument.Int)];

    private int Out(int size, int k, int s, int p)
    {
        int span = size + 2 * p - k;
        int o = (Ceil ? (span + s - 1) / s : span / s) + 1;
        return Ceil && (o - 1) * s >= size + p ? o - 1 : o;
    }

    /// <summary>Max over each window clipped to the input.</summary>
    public static double[] Max(PoolCase c, double[] x) => Pool(c, x, (values, _) => values.Max());

    /// <summary>Mean over each window: by the window clipped to the padded input, or by the real inputs only.</summary>
    public static double[] Average(PoolCase c, double[] x, bool countIncludePad) =>
        Pool(c, x, (values, padded) => values.Sum() / (countIncludePad ? padded : values.Count));

    private static double[] Pool(PoolCase c, double[] x, Func<List<double>, int, double> reduce)
    {
        var y = new double[c.OutputLength];
        for (int plane = 0; plane < c.Planes; plane++)
            for (int oy = 0; oy < c.OutH; oy++)
                for (int ox = 0; ox < c.OutW; ox++)
                {
                    int top = oy * c.Sh - c.Ph, left = ox * c.Sw - c.Pw;
                    int bottom = Math.Min(top + c.Kh, c.H + c.Ph), right = Math.Min(left + c.Kw, c.W + c.Pw);
                    var values = new List<double>();
                    for (int iy = Math.Max(top, 0); iy < Math.Min(bottom, c.H); iy++)
                        for (int ix = Math.Max(left, 0); ix < Math.Min(right, c.W); ix++)
                            values.Add(x[(plane * c.H + iy) * c.W + ix]);
                    y[(plane * c.OutH + oy) * c.OutW + ox] = reduce(values, (bottom - top) * (right - left));
                }
        return y;
    }

    /// <summary>Adaptive-pool cases (planes, input and output sizes): overlapping bins, identity, one row.</summary>
    public static readonly (int Planes, int H, int W, int OutH, int OutW)[] AdaptiveCases =
        [(3, 7, 7, 3, 3), (2, 13, 17, 4, 5), (4, 10, 40, 2, 7), (1, 6, 6, 6, 6), (5, 9, 11, 1, 2)];

    /// <summary>Adaptive average pooling over PyTorch's bins, floor(o·in/out) .. ceil((o+1)·in/out), in float64.</summary>
    public static double[] Adaptive(double[] x, (int Planes, int H, int W, int OutH, int OutW) c)
    {
        var y = new double[c.Planes * c.OutH * c.OutW];
        for (int plane = 0; plane < c.Planes; plane++)
            for (int oy = 0; oy < c.OutH; oy++)
                for (int ox = 0; ox < c.OutW; ox++)
                {
                    int y0 = oy * c.H / c.OutH, y1 = (int)Math.Ceiling((oy + 1) * c.H / (double)c.OutH);
                    int x0 = ox * c.W / c.OutW, x1 = (int)Math.Ceiling((ox + 1) * c.W / (double)c.OutW);
                    double sum = 0;
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++) sum += x[(plane * c.H + iy) * c.W + ix];
                    y[(plane * c.OutH + oy) * c.OutW + ox] = sum / ((y1 - y0) * (x1 - x0));
                }
        return y;
    }
}
