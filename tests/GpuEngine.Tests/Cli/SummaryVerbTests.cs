using System.Text.Json;
using System.Text.RegularExpressions;

namespace GpuEngine.Tests.Cli;

public class SummaryVerbTests
{
    private const string Header = "layer,type,in_shape,out_shape,params,flops,macc,mem_r,mem_w,mem_rw,act_bytes_int8,addsum_bytes_int32,weight_bias,memory_cost";

    [Fact]
    public void CsvBeginsWithTheAgreedHeaderAndHasOneRowPerLayer()
    {
        var (exit, output, _) = Gpuengine.Run("summary", "--model", "mobilenet_v2", "--format", "csv");
        Assert.Equal(0, exit);
        var lines = output.Trim().Split('\n');
        Assert.StartsWith(Header, lines[0]);
        Assert.Equal(GpuEngine.Zoo.ModelZoo.Create("mobilenet_v2").Nodes.Count, lines.Length - 1);
        Assert.StartsWith("features.0.0,Conv2d,1x3x224x224,1x32x112x112,864,21274624,10838016,605568,1605632,", lines[1]);
    }

    /// <summary>The issue's check: the seed's memory costs for RepVGG-A0 at 1x3x112x112 and 89 classes, read from the seed with a regex.</summary>
    [Fact]
    public void RepVggA0AtTheSeedsInputShowsTheSeedsFigures()
    {
        var seedSection = File.ReadAllText(TestData.RepVggTables).Split("## RepVGG-N0")[0];
        var seedCosts = Regex.Matches(seedSection, @"^\|\s*\d+\s*\|\s*(?:Conv2d|Linear)-\d+\s*\|(?:[^|]*\|){5}\s*(\d+)\s*\|", RegexOptions.Multiline)
            .Select(m => long.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(23, seedCosts.Count);

        var (exit, output, _) = Gpuengine.Run("summary", "--model", "repvgg-a0", "--input", "1x3x112x112", "--classes", "89", "--format", "csv");
        Assert.Equal(0, exit);
        var rows = output.Trim().Split('\n').Skip(1).Select(l => l.Split(',')).Where(c => c[1] is "Conv2d" or "Linear").ToList();
        Assert.Equal(seedCosts, rows.Select(c => long.Parse(c[13])));
    }

    /// <summary>
    /// The JSON totals against the seed's RepVGG-N1 table (deploy form, 1x3x112x112, 89 classes), not a re-sum of the
    /// JSON's rows: parameters are the seed's "memory of weight and bias" summed; FLOPs follow from each row (a 3x3 conv
    /// with bias of C outputs and p parameters has K = (p − C) / C, so 2K per output, and its ReLU one more; the Linear
    /// of 89 outputs has in = (p − 89) / 89, so 2·in·89), plus the global pool over the last conv's 4x4 (31 per channel).
    /// </summary>
    [Fact]
    public void JsonTotalsEqualFiguresFromTheSeedTable()
    {
        var section = File.ReadAllText(TestData.RepVggTables).Split("## RepVGG-N1")[1].Split("## RepVGG-N2")[0];
        var rows = Regex.Matches(section, @"^\|\s*\d+\s*\|\s*(Conv2d|Linear)-\d+\s*\|\s*\[([\d, ]+)\]\s*\|\s*(\d+)\s*\|(?:[^|]*\|){2}\s*(\d+)\s*\|", RegexOptions.Multiline)
            .Select(m => (Conv: m.Groups[1].Value == "Conv2d", Shape: m.Groups[2].Value.Split(',').Select(long.Parse).ToArray(), Outputs: long.Parse(m.Groups[3].Value), Params: long.Parse(m.Groups[4].Value)))
            .ToList();
        Assert.Equal(23, rows.Count);
        long parameters = rows.Sum(r => r.Params), flops = 0;
        foreach (var (conv, shape, outputs, p) in rows)
        {
            long channels = shape[0], k = (p - channels) / channels;
            flops += conv ? 2 * k * outputs + outputs : 2 * k * channels;
        }
        var last = rows[^2].Shape;
        flops += (2 * last[1] * last[2] - 1) * last[0];

        var (exit, output, error) = Gpuengine.Run("summary", "--model", "repvgg-n1", "--input", "1x3x112x112", "--classes", "89", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var totals = doc.RootElement.GetProperty("totals");
        Assert.Equal(parameters, totals.GetProperty("params").GetInt64());
        Assert.Equal(flops, totals.GetProperty("flops").GetInt64());
        Assert.True(doc.RootElement.GetProperty("conventions").GetArrayLength() > 0);
    }

    [Fact]
    public void TableAndMarkdownStateTheConventions()
    {
        foreach (var format in new[] { "table", "md" })
        {
            var (exit, output, _) = Gpuengine.Run("summary", "--model", "repvgg-a0", "--format", format);
            Assert.Equal(0, exit);
            output = Regex.Replace(output, @"\s+", " "); // the table wraps its notes at 120 characters
            Assert.Contains("1 macc = 2 flops", output);
            Assert.Contains("1 KiB = 1024 bytes", output);
            Assert.Contains("8,309,384", output); // thousands separators in the totals (deploy RepVGG-A0 parameters)
        }
    }

    [Theory]
    [InlineData("summary --model nosuchnet", "unknown model 'nosuchnet'")]
    [InlineData("summary --model vgg11 --input 1x3xabc", "'abc'")]
    [InlineData("summary --model vgg11 --format xml", "--format 'xml'")]
    [InlineData("summary --model vgg11 --classes 0", "--classes")]
    public void BadInputIsOneLineOnStderrAndNonZeroExit(string args, string expected)
    {
        var (exit, output, error) = Gpuengine.Run(args.Split(' '));
        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void OutputIsNeverOverwrittenUnasked()
    {
        var path = Path.Combine(Path.GetTempPath(), $"summary-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "mine");
        try
        {
            var (exit, _, error) = Gpuengine.Run("summary", "--model", "vgg11", "--format", "csv", "--output", path);
            Assert.Equal(2, exit);
            Assert.Contains("--force", error);
            Assert.Equal("mine", File.ReadAllText(path));
            Assert.Equal(0, Gpuengine.Run("summary", "--model", "vgg11", "--format", "csv", "--output", path, "--force").Exit);
            Assert.StartsWith(Header, File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
