namespace GpuEngine.Tests.Cli;

/// <summary>--int8-layout: one line for a bad value, for fp32, and for a device that cannot run the NHWC tensor-core conv.</summary>
public class Int8LayoutOptionTests
{
    private static readonly string[] Run = ["run", "--model", "repvgg-n1", "--input", "1x3x16x16", "--device", "cpu", "--runs", "1"];

    [Theory]
    [InlineData("fp32", "nhwc", "--int8-layout needs --precision int8")]
    [InlineData("int8", "sideways", "--int8-layout 'sideways' is not one of auto, nchw, nhwc")]
    public void BadUsesAreOneLine(string precision, string layout, string message)
    {
        var (exit, _, error) = Gpuengine.Run([.. Run, "--precision", precision, "--int8-layout", layout]);
        Assert.Equal(2, exit);
        Assert.Equal($"gpuengine: error: {message}", error.Trim());
    }

    [Fact]
    public void NhwcOnCpu_SaysTheKernelHasNoCpuForm()
    {
        var (exit, _, error) = Gpuengine.Run([.. Run, "--precision", "int8", "--int8-layout", "nhwc"]);
        Assert.Equal(2, exit);
        Assert.Contains("cannot run kernel 'Int8TensorCoreConv2dNhwcKernels.Int8TensorCoreConv2dNhwc'", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void NchwOnCpu_Runs()
    {
        var (exit, _, error) = Gpuengine.Run([.. Run, "--precision", "int8", "--int8-layout", "nchw"]);
        Assert.True(exit == 0, error);
    }
}
