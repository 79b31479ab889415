using System.Text.RegularExpressions;
using GpuEngine.Cli;
using GpuEngine.Cli.Images;
using GpuEngine.Ir;
using SkiaSharp;

namespace GpuEngine.Tests.Cli;

/// <summary>Issue 13, item 4: images in (torchvision's ImageNet preprocessing), class names out.</summary>
public sealed class ImageInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gpuengine-images-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Random RGB pixels, written by SkiaSharp as PNG (lossless) or JPEG.</summary>
    private string Draw(string name, int width, int height, int seed, SKEncodedImageFormat format, out byte[] rgb, SKColor? solid = null)
    {
        var random = new Random(seed);
        rgb = new byte[width * height * 3];
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var c = solid ?? new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                bitmap.SetPixel(x, y, c);
                (rgb[(y * width + x) * 3], rgb[(y * width + x) * 3 + 1], rgb[(y * width + x) * 3 + 2]) = (c.Red, c.Green, c.Blue);
            }
        using var image = SKImage.FromBitmap(bitmap);
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, image.Encode(format, 95).ToArray());
        return path;
    }

    /// <summary>
    /// The reference, written apart from the engine's: each resized pixel is a 2-D weighted mean over every input pixel, with
    /// PIL's bilinear (triangle) weight in each direction, its support widened by the scale when shrinking; then torchvision's
    /// center crop (offsets rounded half to even, as Python does) and Normalize.
    /// </summary>
    private static double[] Reference(byte[] rgb, int width, int height, int crop)
    {
        int shorter = (int)Math.Round(crop * 256.0 / 224.0);
        int newW = width <= height ? shorter : shorter * width / height, newH = width <= height ? shorter * height / width : shorter;
        static double Weight(int input, int output, double scale)
        {
            double s = Math.Max(scale, 1), centre = (output + 0.5) * scale, d = Math.Abs(input + 0.5 - centre) / s;
            int first = Math.Max(0, (int)(centre - s + 0.5)), last = (int)(centre + s + 0.5);
            return input < first || input >= last ? 0 : Math.Max(0, 1 - d);
        }
        int top = (int)Math.Round((newH - crop) / 2.0, MidpointRounding.ToEven), left = (int)Math.Round((newW - crop) / 2.0, MidpointRounding.ToEven);
        double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
        var result = new double[3 * crop * crop];
        for (int oy = 0; oy < crop; oy++)
            for (int ox = 0; ox < crop; ox++)
            {
                var sum = new double[3];
                double total = 0;
                for (int y = 0; y < height; y++)
                {
                    double wy = Weight(y, top + oy, (double)height / newH);
                    if (wy == 0) continue;
                    for (int x = 0; x < width; x++)
                    {
                        double w = wy * Weight(x, left + ox, (double)width / newW);
                        total += w;
                        for (int c = 0; c < 3; c++) sum[c] += w * rgb[(y * width + x) * 3 + c];
                    }
                }
                for (int c = 0; c < 3; c++) result[(c * crop + oy) * crop + ox] = (sum[c] / total / 255.0 - mean[c]) / std[c];
            }
        return result;
    }

    [Theory]
    [InlineData(61, 47, 32)]  // shrink: 61x47 -> 48x37, crop 32
    [InlineData(20, 29, 32)]  // enlarge: 20x29 -> 37x53, crop 32
    [InlineData(300, 260, 224)] // a 224 crop from 295x256
    public void PngPreprocessingMatchesAFloat64ResizeCropNormalize(int width, int height, int crop)
    {
        var path = Draw($"random-{width}x{height}.png", width, height, seed: width * height, SKEncodedImageFormat.Png, out var rgb);
        var tensor = ImageInput.Load(path, new TensorShape(1, 3, crop, crop));
        Assert.Equal(new TensorShape(1, 3, crop, crop), tensor.Shape);
        var expected = Reference(rgb, width, height, crop);
        double worst = expected.Select((e, i) => Math.Abs(e - tensor.Floats[i])).Max();
        Assert.True(worst < 1e-5, $"max |engine - float64 reference| = {worst}");
    }

    /// <summary>JPEG is lossy: a flat colour decodes to within a few levels of itself, so every value is near the normalized colour.</summary>
    [Fact]
    public void JpegOfAFlatColourNormalizesToThatColour()
    {
        var path = Draw("flat.jpg", 90, 70, 0, SKEncodedImageFormat.Jpeg, out _, new SKColor(200, 100, 50));
        var tensor = ImageInput.Load(path, new TensorShape(1, 3, 32, 32));
        double[] colour = [200, 100, 50];
        for (int c = 0; c < 3; c++)
        {
            double expected = (colour[c] / 255 - ImageInput.Mean[c]) / ImageInput.Std[c];
            Assert.All(tensor.Floats.AsSpan(c * 1024, 1024).ToArray(), v => Assert.InRange(v, expected - 4 / 255.0 / 0.224, expected + 4 / 255.0 / 0.224));
        }
    }

    [Fact]
    public void TheImageNetNamesAreTheUsualThousand()
    {
        var names = ClassLabels.ImageNet;
        Assert.Equal(1000, names.Count);
        Assert.Equal(["tench", "goldfish", "great white shark"], names.Take(3));
        Assert.Equal("tabby", names[281]);
        Assert.Equal("golden retriever", names[207]);
        Assert.Equal("banana", names[954]);
        Assert.Equal("toilet tissue", names[999]);
    }

    /// <summary>End to end: a drawn PNG through a 1000-class model prints ImageNet names beside the indices and probabilities.</summary>
    [Fact]
    public void RunClassifiesAnImageWithNames()
    {
        var path = Draw("photo.png", 80, 64, 7, SKEncodedImageFormat.Png, out _);
        var (exit, output, error) = Gpuengine.Run("run", "--model", "repvgg-n1", "--classes", "1000", "--input", path, "--device", "cpu", "--runs", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("center-cropped to 1x3x112x112", output);
        var top = output.Split('\n').Single(l => l.StartsWith("top-5 [0]:"))["top-5 [0]:".Length..];
        var entries = Regex.Matches(top, @"(\d+) ([^()]+?) \((\d+\.\d) %\)");
        Assert.Equal(5, entries.Count);
        foreach (Match m in entries) Assert.Equal(ClassLabels.ImageNet[int.Parse(m.Groups[1].Value)], m.Groups[2].Value);
        Assert.True(entries.Sum(m => double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)) <= 100.5);
    }

    [Fact]
    public void LabelsFileNamesOtherHeadsAndMustMatchTheirSize()
    {
        var path = Draw("photo.png", 40, 40, 3, SKEncodedImageFormat.Png, out _);
        var labels = Path.Combine(_directory, "labels.txt");
        File.WriteAllLines(labels, ["alpha", "beta", "gamma", "delta", "epsilon"]);
        string[] run = ["run", "--model", "repvgg-n1", "--classes", "5", "--input", path, "--device", "cpu", "--runs", "0"];
        var (exit, output, error) = Gpuengine.Run([.. run, "--labels", labels]);
        Assert.True(exit == 0, error);
        var top = output.Split('\n').Single(l => l.StartsWith("top-5 [0]:"));
        Assert.Equal(5, Regex.Matches(top, @"\d (alpha|beta|gamma|delta|epsilon) \(").Count);

        File.WriteAllLines(labels, ["alpha", "beta"]);
        (exit, _, error) = Gpuengine.Run([.. run, "--labels", labels]);
        Assert.Equal(2, exit);
        Assert.Contains("has 2 names (non-empty lines), the model has 5 classes", error);
    }

    [Fact]
    public void AFileThatIsNoImageIsOneLine()
    {
        var path = Path.Combine(_directory, "not-an-image.png");
        File.WriteAllText(path, "hello");
        var (exit, _, error) = Gpuengine.Run("run", "--model", "repvgg-n1", "--input", path, "--device", "cpu", "--runs", "0");
        Assert.Equal(2, exit);
        Assert.Contains("not an image", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
