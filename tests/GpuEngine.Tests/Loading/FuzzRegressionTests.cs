using GpuEngine.Fuzzing;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Every input afl++ (fuzz/run.sh) found crashing a reader, kept under Data/fuzz/FORMAT/ after the fix: each must now
/// read or give the engine's one-line error.
/// </summary>
public class FuzzRegressionTests
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var format in ReaderTargets.Formats)
        {
            var folder = GpuEngine.Tests.TestData.DataPath(Path.Combine("fuzz", format));
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.GetFiles(folder).Order()) cases.Add(format, Path.GetFileName(file));
        }
        if (cases.Count == 0) cases.Add("none", "");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kept_crash_inputs_read_or_give_one_line_errors(string format, string file)
    {
        if (format == "none") return; // no crash found yet
        var data = File.ReadAllBytes(GpuEngine.Tests.TestData.DataPath(Path.Combine("fuzz", format, file)));
        try
        {
            ReaderTargets.Read(format, data);
        }
        catch (Exception e)
        {
            Assert.True(ReaderTargets.IsCleanError(e), $"{format}/{file}: {e.GetType().Name}: {e.Message}");
        }
    }
}
