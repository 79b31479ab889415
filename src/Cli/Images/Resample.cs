namespace GpuEngine.Cli.Images;

/// <summary>
/// PIL's bilinear resampling (what torchvision's Resize does to a PIL image): separable, a triangle filter whose support
/// widens by the scale when shrinking (antialiasing), pixel centres at +0.5, weights normalized per output pixel.
/// Computed in float64 without PIL's 8-bit rounding between the two passes.
/// </summary>
internal static class Resample
{
    /// <summary>Interleaved RGB bytes resized to <paramref name="outWidth"/> x <paramref name="outHeight"/>, as float64 in [0, 255].</summary>
    public static double[] Bilinear(byte[] rgb, int width, int height, int outWidth, int outHeight)
    {
        var horizontal = Weights(width, outWidth);
        var vertical = Weights(height, outHeight);
        var rows = new double[height * outWidth * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < outWidth; x++)
            {
                var (first, w) = horizontal[x];
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < w.Length; k++) sum += w[k] * rgb[(y * width + first + k) * 3 + c];
                    rows[(y * outWidth + x) * 3 + c] = sum;
                }
            }
        var result = new double[outHeight * outWidth * 3];
        for (int y = 0; y < outHeight; y++)
        {
            var (first, w) = vertical[y];
            for (int x = 0; x < outWidth; x++)
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < w.Length; k++) sum += w[k] * rows[((first + k) * outWidth + x) * 3 + c];
                    result[(y * outWidth + x) * 3 + c] = sum;
                }
        }
        return result;
    }

    /// <summary>For each output index: the first input index it reads and the normalized weights of the inputs from there.</summary>
    private static (int First, double[] Weights)[] Weights(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0), support = filterScale; // triangle: support 1
        var result = new (int, double[])[outSize];
        for (int i = 0; i < outSize; i++)
        {
            double centre = (i + 0.5) * scale;
            int first = Math.Max(0, (int)(centre - support + 0.5)), last = Math.Min(inSize, (int)(centre + support + 0.5));
            var w = new double[Math.Max(last - first, 1)];
            double total = 0;
            for (int j = first; j < first + w.Length; j++)
            {
                w[j - first] = Math.Max(0, 1 - Math.Abs((j - centre + 0.5) / filterScale));
                total += w[j - first];
            }
            for (int k = 0; k < w.Length; k++) w[k] = total > 0 ? w[k] / total : 1.0 / w.Length;
            result[i] = (first, w);
        }
        return result;
    }
}
