using System.Globalization;
using GpuEngine.Ir;
using Ir = GpuEngine.Ir;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Costs;
using GpuEngine.Profiling.Energy;

namespace GpuEngine.Tests.Profiling;

/// <summary>Issue 13, item 3: RASP's energy rule against values worked out by hand from its table (counting-conventions.md section 5).</summary>
public class EnergyTests
{
    /// <summary>Input 1x2x4x4, Conv2d 2->3 3x3 padding 1 with bias, then ReLU.</summary>
    private static Ir.Graph ConvRelu()
    {
        var b = new GraphBuilder("conv-relu");
        b.Input("x", new TensorShape(1, 2, 4, 4));
        b.Add("conv", Conv2d.Square(2, 3, 3, padding: 1), "x");
        b.Add("relu", new Relu(), "conv");
        b.Output("relu");
        return b.Build();
    }

    private static double Energy(Ir.Graph g, string node, CostPrecision precision, EnergyTable? table = null) =>
        EnergyModel.Of(CostModel.Layer(g, g.Nodes.Single(n => n.Name == node), precision), precision, table ?? EnergyTable.Default);

    /// <summary>
    /// By hand: K = 2*9 = 18, out = 48. Conv: flops 2*18*48 = 1,728, macc 18*48+48 = 912, fp32 bytes 4*(32+57) + 4*48 = 548.
    /// ReLU: flops 48, bytes 4*48 + 4*48 = 384. fp32: 4.5 x flops + (0.8 x 5 + 0.2 x 640 = 132) x bytes.
    /// </summary>
    [Fact]
    public void Fp32ConvAndReluMatchTheHandWorkedRule()
    {
        var g = ConvRelu();
        Assert.Equal(4.5 * 1728 + 132 * 548, Energy(g, "conv", CostPrecision.Fp32), 6); // 80,112 pJ
        Assert.Equal(4.5 * 48 + 132 * 384, Energy(g, "relu", CostPrecision.Fp32), 6);   // 50,904 pJ
    }

    /// <summary>
    /// int8: conv bytes = input 32 + weights 54 + int32 bias 12 + output 48 = 146; ops = 0.2 x macc 912 + 0.1 x (1,728 - 912).
    /// ReLU compares int8: 0.03 x 48, bytes 48 + 48.
    /// </summary>
    [Fact]
    public void Int8ConvAndReluUseTheIntegerCosts()
    {
        var g = ConvRelu();
        var int8 = new CostPrecision(Precision.Int8);
        Assert.Equal(0.2 * 912 + 0.1 * 816 + 132 * 146, Energy(g, "conv", int8), 6); // 19,536 pJ
        Assert.Equal(0.03 * 48 + 132 * 96, Energy(g, "relu", int8), 6);              // 12,673.44 pJ
    }

    /// <summary>counting-conventions.md's example: flops 21,274,624, mem_r 605,568, mem_w 1,605,632, so 387,614,208 pJ.</summary>
    [Fact]
    public void MobileNetV2FirstConvInTheSummaryCsv()
    {
        var (exit, output, error) = Gpuengine.Run("summary", "--model", "mobilenet_v2", "--format", "csv");
        Assert.True(exit == 0, error);
        var lines = output.Trim().Split('\n');
        int column = Array.IndexOf(lines[0].Split(','), "energy");
        Assert.True(column > 0, lines[0]);
        var first = lines[1].Split(',');
        Assert.Equal("features.0.0", first[0]);
        Assert.Equal(4.5 * 21_274_624 + 132 * (605_568 + 1_605_632), double.Parse(first[column], CultureInfo.InvariantCulture), 3);
        Assert.Equal(387_614_208, double.Parse(first[column], CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public void SummaryTableShowsEnergyOnlyWhenIncluded()
    {
        var (_, plain, _) = Gpuengine.Run("summary", "--model", "repvgg-n1");
        var (exit, output, error) = Gpuengine.Run("summary", "--model", "repvgg-n1", "--include", "energy");
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("energy", plain);
        Assert.Contains("energy", output.Split('\n').First(l => l.StartsWith("layer")));
        Assert.Contains("energy (pJ, an estimate", output);
    }

    /// <summary>A key = value file and a JSON file replace entries; with float32_mult 1, sram 1 and a hit rate of 1 the conv costs 1,728 + 548.</summary>
    [Fact]
    public void TheTableIsOverriddenFromAFile()
    {
        var directory = Directory.CreateTempSubdirectory("gpuengine-energy-").FullName;
        try
        {
            var lines = Path.Combine(directory, "costs.txt");
            File.WriteAllText(lines, "# my process\nfloat32_mult = 1\nfloat32_sram = 1\ncache_hit_rate = 1\n");
            var json = Path.Combine(directory, "costs.json");
            File.WriteAllText(json, "{\"float32_mult\": 1, \"float32_sram\": 1, \"cache_hit_rate\": 1}");
            var g = ConvRelu();
            foreach (var file in new[] { lines, json })
                Assert.Equal(1728 + 548, Energy(g, "conv", CostPrecision.Fp32, EnergyTable.Load(file)), 6);

            var (exit, output, error) = Gpuengine.Run("summary", "--model", "mobilenet_v2", "--format", "csv", "--energy-table", lines);
            Assert.True(exit == 0, error);
            var row = output.Split('\n')[1].Split(',');
            Assert.Equal(21_274_624 + 605_568 + 1_605_632, double.Parse(row[^1], CultureInfo.InvariantCulture), 3);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("float32_mul = 1\n", "unknown key 'float32_mul'")]
    [InlineData("float32_mult = lots\n", "line 1: expected 'key = number'")]
    [InlineData("cache_hit_rate = 2\n", "between 0 and 1")]
    [InlineData("{\"int8_mult\": \"0.2\"}", "must be a number")]
    [InlineData("{\"int8_mult\": ", "not valid JSON")]
    public void ABadTableIsOneLineAndExitTwo(string text, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"gpuengine-energy-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, text);
        try
        {
            var (exit, output, error) = Gpuengine.Run("summary", "--model", "repvgg-n1", "--energy-table", file);
            Assert.Equal(2, exit);
            Assert.Empty(output);
            Assert.Contains(expected, error);
            Assert.Single(error.Trim().Split('\n'));
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Equal(2, Gpuengine.Run("summary", "--model", "repvgg-n1", "--energy-table", file).Exit);
    }

    /// <summary>
    /// The profile's energy total against the rule applied by hand (not a re-sum of its rows): fp32's rule is linear,
    /// 4.5 pJ a flop and 132 pJ a byte, so the total is 4.5 × total flops + 132 × total bytes, with the total flops
    /// those of the conventions' formulas written in the test; the root row has the same total.
    /// </summary>
    [Fact]
    public void ProfileEnergyTotalFollowsTheRuleOnTheTotals()
    {
        string[] args = ["profile", "--model", "repvgg-n1", "--input", "1x3x16x16", "--classes", "10", "--device", "cpu", "--warmup", "1", "--runs", "1", "--format", "json"];
        var (exit, node, error) = Gpuengine.Run([.. args, "--report", "node"]);
        Assert.True(exit == 0, error);
        var (_, root, _) = Gpuengine.Run([.. args, "--report", "root"]);
        using var n = System.Text.Json.JsonDocument.Parse(node);
        using var r = System.Text.Json.JsonDocument.Parse(root);
        var totals = n.RootElement.GetProperty("totals");
        long flops = ConventionFormulas.Total(GpuEngine.Zoo.ModelZoo.Create("repvgg-n1", new TensorShape(1, 3, 16, 16), 10)).Flops;
        Assert.Equal(flops, totals.GetProperty("flops").GetInt64());
        double expected = 4.5 * flops + 132 * (totals.GetProperty("mem_r").GetInt64() + totals.GetProperty("mem_w").GetInt64());
        Assert.Equal(expected, totals.GetProperty("energy").GetDouble(), 3);
        Assert.Equal(expected, r.RootElement.GetProperty("rows")[0].GetProperty("energy").GetDouble(), 3);
    }
}
