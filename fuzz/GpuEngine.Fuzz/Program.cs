using SharpFuzz;

namespace GpuEngine.Fuzzing;

/// <summary>
/// afl++ entry point: <c>GpuEngine.Fuzz TARGET</c> reads inputs from afl-fuzz (or <c>GpuEngine.Fuzz TARGET --seeds DIR
/// SEEDTABLES</c> writes the seed corpus). A clean one-line engine error is a normal exit; any other exception
/// escapes, which SharpFuzz reports to afl++ as a crash.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !ReaderTargets.Formats.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: GpuEngine.Fuzz TARGET [--seeds OUTDIR SEEDTABLEDIR]; targets: {string.Join(", ", ReaderTargets.Formats)}");
            return 2;
        }
        string target = args[0];
        if (args.Length == 4 && args[1] == "--seeds")
        {
            var seeds = ReaderTargets.Seeds(target, args[3]);
            Directory.CreateDirectory(args[2]);
            for (int i = 0; i < seeds.Count; i++) File.WriteAllBytes(Path.Combine(args[2], $"seed{i}.{target}"), seeds[i]);
            return 0;
        }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            try
            {
                ReaderTargets.Read(target, copy.ToArray());
            }
            catch (Exception e) when (ReaderTargets.IsCleanError(e))
            {
                // The engine's own rejection of bad data: not a crash.
            }
        });
        return 0;
    }
}
