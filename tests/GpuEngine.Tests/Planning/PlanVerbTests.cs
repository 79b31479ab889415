using System.Text.Json.Nodes;
using System.Xml.Linq;
using GpuEngine.Cli;

namespace GpuEngine.Tests.Planning;

/// <summary><c>gpuengine plan</c> end to end: every format, the JSON keys the issue asks for, errors that name the option.</summary>
public sealed class PlanVerbTests
{
    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void JsonHasTheTotalsAndEveryTensor()
    {
        var (code, output, error) = Run("plan", "-m", "repvgg-n1", "--precision", "int8", "--mode", "addsum", "--format", "json");
        Assert.True(code == 0, error);
        var root = JsonNode.Parse(output)!.AsObject();
        foreach (var key in new[] { "arena_bytes", "lower_bound_bytes", "naive_bytes", "weights_bytes" })
            Assert.True(root[key]!.GetValue<long>() > 0, key);
        Assert.True(root["arena_bytes"]!.GetValue<long>() >= root["lower_bound_bytes"]!.GetValue<long>());
        var tensors = root["tensors"]!.AsArray();
        var addsum = tensors.Single(t => t!["tensor"]!.GetValue<string>() == "stage0.rbr_reparam.addsum")!;
        Assert.Equal(200704, addsum["bytes"]!.GetValue<long>()); // the seed's Conv2d-1 addsum for RepVGG-N1
        Assert.Equal(root["step_count"]!.GetValue<int>(), root["steps"]!.AsArray().Count);
        Assert.NotEmpty(root["weights"]!.AsArray());
    }

    [Theory]
    [InlineData("table")]
    [InlineData("md")]
    [InlineData("csv")]
    public void TextFormatsListTensorsAndSteps(string format)
    {
        var (code, output, error) = Run("plan", "-m", "mobilenet_v2", "--format", format);
        Assert.True(code == 0, error);
        Assert.Contains("features.2.conv.0.0", output);
        if (format != "csv") Assert.Contains("arena_bytes", output);
        else Assert.StartsWith("tensor,role,placement", output);
    }

    [Fact]
    public void SvgIsWellFormedAndTitled()
    {
        var (code, output, error) = Run("plan", "-m", "repvgg-a0", "--format", "svg");
        Assert.True(code == 0, error);
        var svg = XDocument.Parse(output);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = svg.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains("repvgg-a0 (fp32, input 1x3x224x224): memory timeline", texts);
        Assert.Contains(texts, t => t.StartsWith("arena 3,010,560 B", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--mode", "addsum")]
    [InlineData("--alignment", "3")]
    [InlineData("--rows", "everything")]
    [InlineData("--format", "png")]
    public void BadOptionsFailWithAReason(string option, string value)
    {
        var (code, _, error) = Run("plan", "-m", "repvgg-a0", option, value);
        Assert.Equal(CliApp.ExitError, code);
        Assert.Contains(option.TrimStart('-'), error);
    }
}
