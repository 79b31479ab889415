using GpuEngine.Ir;
using SkiaSharp;

namespace GpuEngine.Cli.Images;

/// <summary>
/// A photo as a model input, the way torchvision's ImageNet evaluation transform makes one:
/// <c>Resize(round(s * 256 / 224))</c> of the shorter side (bilinear, antialiased like PIL's when shrinking),
/// <c>CenterCrop(h, w)</c>, <c>ToTensor()</c>, <c>Normalize(mean, std)</c>. SkiaSharp decodes the file (PNG, JPEG,
/// BMP, GIF, WebP); the resize, crop and normalization are computed here in float64.
/// </summary>
public static class ImageInput
{
    /// <summary>torchvision's ImageNet means and standard deviations (RGB).</summary>
    public static readonly double[] Mean = [0.485, 0.456, 0.406], Std = [0.229, 0.224, 0.225];

    /// <summary>The largest side decoded: a crafted header cannot make the engine allocate gigabytes.</summary>
    public const int MaxSide = 16384;

    /// <summary>File names taken as images.</summary>
    public static bool IsImagePath(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg" or ".bmp" or ".gif" or ".webp";

    /// <summary>The image at <paramref name="path"/> as a 1x3xHxW float32 tensor for an input of <paramref name="shape"/>.</summary>
    public static Tensor Load(string path, TensorShape shape)
    {
        if (shape.Rank != 4 || shape.Dims[1] != 3)
            throw new GpuEngineException($"--input '{path}': an image fills a 1x3xHxW input, the model takes {shape}");
        var (rgb, width, height) = Decode(path);
        return Preprocess(rgb, width, height, shape.Dims[2], shape.Dims[3]);
    }

    /// <summary>RGB bytes (row-major, 3 a pixel; alpha dropped as PIL's convert('RGB') does) and the size.</summary>
    public static (byte[] Rgb, int Width, int Height) Decode(string path)
    {
        if (!File.Exists(path)) throw new GpuEngineException($"--input '{path}' does not exist");
        using var codec = SKCodec.Create(path)
            ?? throw new GpuEngineException($"--input '{path}': not an image this build decodes (png, jpeg, bmp, gif, webp)");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || info.Width > MaxSide || info.Height > MaxSide)
            throw new GpuEngineException($"--input '{path}': {info.Width}x{info.Height} pixels; sides of 1 to {MaxSide} are accepted");
        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new GpuEngineException($"--input '{path}': the image does not decode ({result})");
        var rgba = bitmap.Bytes;
        var rgb = new byte[info.Width * info.Height * 3];
        for (int p = 0; p < info.Width * info.Height; p++)
        {
            rgb[3 * p] = rgba[4 * p];
            rgb[3 * p + 1] = rgba[4 * p + 1];
            rgb[3 * p + 2] = rgba[4 * p + 2];
        }
        return (rgb, info.Width, info.Height);
    }

    /// <summary>Resize (shorter side to round(min(h, w) * 256 / 224)), center crop to h x w, scale to [0, 1], normalize; CHW float32.</summary>
    public static Tensor Preprocess(byte[] rgb, int width, int height, int cropHeight, int cropWidth)
    {
        int shorter = (int)Math.Round(Math.Min(cropHeight, cropWidth) * 256.0 / 224.0);
        // torchvision: the longer side is int(size * long / short), truncated.
        var (newWidth, newHeight) = width <= height
            ? (shorter, (int)((long)shorter * height / width))
            : ((int)((long)shorter * width / height), shorter);
        if (newWidth < cropWidth || newHeight < cropHeight)
            throw new GpuEngineException($"the image resized to {newWidth}x{newHeight} is smaller than the {cropWidth}x{cropHeight} crop");
        var resized = Resample.Bilinear(rgb, width, height, newWidth, newHeight);
        // torchvision's CenterCrop rounds the offsets with Python's round (half to even).
        int top = (int)Math.Round((newHeight - cropHeight) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((newWidth - cropWidth) / 2.0, MidpointRounding.ToEven);
        var values = new float[3 * cropHeight * cropWidth];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < cropHeight; y++)
                for (int x = 0; x < cropWidth; x++)
                    values[(c * cropHeight + y) * cropWidth + x] = (float)((resized[((top + y) * newWidth + left + x) * 3 + c] / 255.0 - Mean[c]) / Std[c]);
        return new Tensor(new TensorShape(1, 3, cropHeight, cropWidth), DataType.Float32, values);
    }
}
