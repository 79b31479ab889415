using System.Diagnostics;
using GpuEngine.Fuzzing;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Issue 12 item 6, the CI half of fuzzing: 10,000 structure-aware mutations of the engine's own seed files per
/// format (see <see cref="StructuredMutator"/>), each of which must read or give the engine's one-line error, within
/// a time bound per input and an allocation ceiling per input. afl++ (fuzz/run.sh) finds what this misses; its
/// crashes are kept in Data/fuzz and replayed by <see cref="FuzzRegressionTests"/>.
/// </summary>
public class MutationFuzzTests(ITestOutputHelper log)
{
    private const int Mutations = 10_000;

    public static TheoryData<string> Formats() => [.. ReaderTargets.Formats];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_inputs_read_or_give_one_line_errors(string format)
    {
        var seeds = ReaderTargets.Seeds(format, GpuEngine.Tests.TestData.DataPath("seeds"));
        long largestSeed = seeds.Max(s => (long)s.Length);
        // A reader may copy its input a few times over (strings, tensors); 64 MiB more is a missing bound.
        long ceiling = 16 * largestSeed + (64L << 20);
        var perInputBound = TimeSpan.FromSeconds(2);
        var mutator = new StructuredMutator(seeds, format.Length * 7919);
        int rejected = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Mutations; i++)
        {
            var input = mutator.Next();
            long before = GC.GetAllocatedBytesForCurrentThread(); // this thread only: other tests run in parallel
            var started = clock.Elapsed;
            try
            {
                ReaderTargets.Read(format, input);
            }
            catch (Exception e) when (ReaderTargets.IsCleanError(e))
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{format} mutation {i} ({input.Length} bytes, first 32: {Convert.ToHexString(input.AsSpan(0, Math.Min(32, input.Length)))}): {e.GetType().Name}: {e.Message}");
            }
            var took = clock.Elapsed - started;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(took < perInputBound, $"{format} mutation {i} took {took.TotalMilliseconds:F0} ms");
            Assert.True(allocated < ceiling, $"{format} mutation {i} allocated {allocated >> 20} MiB for {input.Length} bytes");
        }
        log.WriteLine($"{format}: {Mutations} mutations, {rejected} rejected cleanly, {Mutations - rejected} read, {clock.Elapsed.TotalSeconds:F1} s");
        // The mutator must reach the error paths, or the test proves nothing.
        Assert.True(rejected > Mutations / 10, $"{format}: only {rejected} of {Mutations} mutations were rejected");
    }
}
