using System.Buffers.Binary;
using System.Xml.Linq;
using GpuEngine.Planning;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Plots;
using GpuEngine.Zoo;
using ScottPlot;
using SkiaSharp;

namespace GpuEngine.Tests.Profiling;

/// <summary>Issue 13, item 2: every ScottPlot plot renders to a PNG of the asked size with something drawn, and to titled SVG.</summary>
public class PlotTests(SmallProfile small) : IClassFixture<SmallProfile>
{
    public static TheoryData<string> Plots => ["timeline", "roofline", "layers"];

    private Plot Create(string kind) => kind switch
    {
        "timeline" => MemoryTimelinePlot.Create(MemoryPlanner.Plan(ModelZoo.Create("repvgg-n1"), new PlanOptions { Precision = Precision.Int8, Mode = Int8Mode.Addsum })),
        // Ceilings made up for the test: what matters is that every kernel is placed against them.
        "roofline" => RooflinePlot.Create(small.Profile, new Roofline("test device", PeakGbps: 2, PeakGflops: 5, CopyBytes: 0, MatMulSize: 0)),
        _ => LayerPlot.Create(ProfileReport.Create(small.Profile, ProfileReportType.Node)),
    };

    private static string Title(string kind) => kind switch
    {
        "timeline" => "repvgg-n1 (int8 addsum, input 1x3x112x112): memory timeline",
        "roofline" => "repvgg-n1-train (fp32): roofline on test device",
        _ => "Profile of repvgg-n1-train (node, fp32): latency and bytes per row",
    };

    [Theory]
    [MemberData(nameof(Plots))]
    public void RendersAPngOfTheRightSizeWithSomethingDrawn(string kind)
    {
        var png = PlotImage.Render(Create(kind), PlotFormat.Png, 640, 400);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal((640, 400), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((640, 400), (bitmap.Width, bitmap.Height));
        var background = bitmap.GetPixel(0, 0);
        int drawn = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
                if (bitmap.GetPixel(x, y) != background) drawn++;
        Assert.True(drawn > 1000, $"{kind}: only {drawn} sampled pixels differ from the background");
    }

    [Theory]
    [MemberData(nameof(Plots))]
    public void RendersWellFormedSvgWithItsTitle(string kind)
    {
        var svg = XDocument.Parse(System.Text.Encoding.UTF8.GetString(PlotImage.Render(Create(kind), PlotFormat.Svg)));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Contains(Title(kind), svg.Descendants(ns + "text").Select(t => t.Value.Trim()));
    }

    [Fact]
    public void TheCommandLineWritesPngFilesAndRefusesPngOnStandardOutput()
    {
        var directory = Directory.CreateTempSubdirectory("gpuengine-plots-").FullName;
        try
        {
            var plan = Path.Combine(directory, "plan.png");
            var (exit, _, error) = Gpuengine.Run("plan", "-m", "repvgg-n1", "--format", "png", "--output", plan);
            Assert.True(exit == 0, error);
            using (var bitmap = SKBitmap.Decode(plan)) Assert.Equal((PlotImage.Width, PlotImage.Height), (bitmap.Width, bitmap.Height));
            var layers = Path.Combine(directory, "layers.png");
            (exit, _, error) = Gpuengine.Run("profile", "-m", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--warmup", "1", "--runs", "1",
                "--format", "png", "--plot", "layers", "--output", layers);
            Assert.True(exit == 0, error);
            Assert.True(new FileInfo(layers).Length > 1000);
            (exit, _, error) = Gpuengine.Run("plan", "-m", "repvgg-n1", "--format", "png");
            Assert.Equal(2, exit);
            Assert.Contains("--output FILE.png", error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
