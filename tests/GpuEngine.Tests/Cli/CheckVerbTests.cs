using System.Text.Json;
using GpuEngine.Cli;
using GpuEngine.Cli.Verbs;
using GpuEngine.Diagnostics;

namespace GpuEngine.Tests.Cli;

/// <summary>
/// The verb that proves kernels on a GPU machine. On opencl it is compared with the cpu backend; on cpu with the
/// engine's float64 and integer reference loops (never cpu with itself); a wrong device answer injected through the
/// test hook must fail it with exit 1, so the check is shown able to fail.
/// </summary>
public class CheckVerbTests
{
    [Fact]
    public void EveryKernelCaseOnOpenClAgreesWithTheCpuBackendAndCoversEveryKernel()
    {
        Backends.DeviceAvailability.Require("opencl");
        var (exit, output, error) = Gpuengine.Run("check", "--device", "opencl", "--kernels-only", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Contains("cpu backend", root.GetProperty("reference").GetString());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        Assert.True(cases.Count >= 35, $"{cases.Count} cases");
        Assert.All(cases, c => Assert.Equal("pass", c.GetProperty("status").GetString()));
        Assert.All(cases.Where(c => c.GetProperty("precision").GetString() == "int8"), c => Assert.Equal("bit-exact", c.GetProperty("error").GetString()));
        // Every generated kernel, fp32 and int8, is launched by some case.
        Assert.DoesNotContain(root.GetProperty("conventions").EnumerateArray(), n => n.GetString()!.StartsWith("kernels no selected case", StringComparison.Ordinal));
        Assert.Contains("passed", error);
    }

    [Fact]
    public void RepVggN1OnOpenClAgreesWithTheCpuBackendInFp32AndBitExactlyInInt8()
    {
        Backends.DeviceAvailability.Require("opencl");
        var (exit, output, error) = Gpuengine.Run("check", "--device", "opencl", "--cases", "repvgg-n1", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(3, cases.Count); // fp32 train-time form, int8 fused, int8 addsum
        Assert.All(cases, c => Assert.Equal("pass", c.GetProperty("status").GetString()));
    }

    /// <summary>
    /// On cpu the reference is the float64 loops: fp32 results then differ from it by rounding (cpu against cpu would give 0),
    /// and int8 results equal the integer loops exactly.
    /// </summary>
    [Fact]
    public void CheckOnCpuComparesWithTheIndependentReferenceLoops()
    {
        var (exit, output, error) = Gpuengine.Run("check", "--device", "cpu", "--kernels-only", "--cases", "conv,linear", "--format", "json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains("float64", doc.RootElement.GetProperty("reference").GetString());
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        var fp32 = cases.Where(c => c.GetProperty("precision").GetString() == "fp32").ToList();
        Assert.True(fp32.Count >= 8);
        Assert.All(fp32, c => Assert.DoesNotContain("max abs 0.00E+000", c.GetProperty("error").GetString()));
        Assert.All(cases.Where(c => c.GetProperty("precision").GetString() == "int8"), c => Assert.Equal("bit-exact", c.GetProperty("error").GetString()));
    }

    /// <summary>One int8 value off by one bit, or one fp32 value off by 1 %, fails its case and the verb (exit 1); a last-bit fp32 change is within tolerance.</summary>
    [Fact]
    public void AWrongAnswerOnCpuFailsTheCheck() => AssertAWrongAnswerFails("cpu");

    [Fact]
    public void AWrongAnswerOnOpenClFailsTheCheck()
    {
        Backends.DeviceAvailability.Require("opencl");
        AssertAWrongAnswerFails("opencl");
    }

    private static void AssertAWrongAnswerFails(string device)
    {
        static CheckOutput Alter(string name, CheckOutput output)
        {
            if (output.Int8 is { } q)
            {
                var int8 = (sbyte[])q.Clone();
                int8[int8.Length / 2] ^= 1; // flip the lowest bit of one value
                return output with { Int8 = int8 };
            }
            var floats = (float[])output.Floats.Clone();
            int worst = Array.IndexOf(floats, floats.MaxBy(Math.Abs));
            if (name.StartsWith("relu", StringComparison.Ordinal)) floats[worst] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(floats[worst]) ^ 1);
            else floats[worst] *= 1.01f;
            return output with { Floats = floats };
        }
        var verb = new CheckVerb { Device = device, Cases = "add relu,relu6", Format = "json", AlterDeviceOutput = Alter };
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int exit = verb.Execute(new CommandContext(stdout, stderr));
        Assert.Equal(CliApp.ExitFinding, exit);
        using var doc = JsonDocument.Parse(stdout.ToString());
        var status = doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("case").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("FAIL", status["add relu"]);      // fp32, 1 % off
        Assert.Equal("FAIL", status["int8 add relu"]); // int8, one bit off
        Assert.Equal("pass", status["relu6"]);         // fp32, one ulp off: within tolerance
        Assert.Contains("1 of ", doc.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("case").GetString() == "int8 add relu")
            .GetProperty("error").GetString());
        Assert.Contains("FAIL  int8 add relu", stderr.ToString());
    }

    [Fact]
    public void UnknownDeviceIsOneLineWithTheValidValuesAndExitTwo()
    {
        var (exit, output, error) = Gpuengine.Run("check", "--device", "tpu");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("'tpu'", lines[0]);
        foreach (var device in GpuEngine.Backends.BackendFactory.DeviceNames) Assert.Contains(device, lines[0]);
    }
}
