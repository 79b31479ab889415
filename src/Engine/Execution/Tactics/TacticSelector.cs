using System.Runtime.InteropServices;
using GpuEngine.Backends;
using GpuEngine.Kernels;
using GpuEngine.Execution.Launchers;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// Picks one launch's kernel by measurement, as TensorRT's tactic selection does. With the launch's inputs already on
/// the device: runs the reference and keeps its output; runs each other candidate over a poisoned output (every byte
/// the reference wrote, inverted, so an element a candidate leaves unwritten fails too) and compares — fp32 within
/// <see cref="Fp32Tolerance"/> of the reference's largest magnitude, int8 and int32 bit-exact; times every valid
/// candidate with device events (one warm-up, median of <see cref="TimedRuns"/>); finally runs the winner so the
/// output is the winner's. A candidate that fails (wrong values, or an exception) is reported and never chosen.
/// A candidate of several launches (split-k) is validated and timed as the whole sequence, over a workspace allocated
/// for it here; the winner's workspace goes to the caller (<see cref="TacticCandidate.Workspace"/>), the others' are freed.
/// </summary>
public sealed class TacticSelector(Backend backend, TacticCache? cache)
{
    public const double Fp32Tolerance = 1e-5;
    public const int TimedRuns = 5;

    /// <summary>
    /// Chooses among <paramref name="candidates"/> (reference first) and returns the report; the winner (bound to its
    /// workspace, if it needs one) has run last.
    /// </summary>
    public (TacticCandidate Winner, TacticReport Report) Select(IReadOnlyList<TacticCandidate> candidates)
    {
        var reference = candidates[0];
        string layer = reference.Launch.Node.Name;
        string key = TacticCandidates.LayerKey(reference.Launch);
        if (cache?.Lookup(backend, key) is { } cached && candidates.FirstOrDefault(c => c.Name == cached) is { } hit)
        {
            hit = Bound(hit);
            hit.Run(backend);
            return (hit, new TacticReport(layer, key, [new CandidateResult(hit.Name, null, null)], hit.Name, FromCache: true));
        }
        var written = reference.Launch.Arguments[reference.Written];
        var type = reference.Launch.Kernel.Parameters[reference.Written].ElementType;
        var expected = new byte[written.Length * (type == KernelElementType.Float32 || type == KernelElementType.Int32 ? 4 : 1)];
        reference.Launch.Run(backend);
        backend.Download(written.Buffer!, written.ByteOffset, expected);
        var poison = expected.Select(b => (byte)~b).ToArray();
        var actual = new byte[expected.Length];

        List<CandidateResult> results = [];
        TacticCandidate winner = reference;
        double best = double.MaxValue;
        foreach (var unbound in candidates)
        {
            string? error = null;
            double? ms = null;
            TacticCandidate? candidate = null;
            try
            {
                candidate = Bound(unbound);
                if (unbound != reference)
                {
                    backend.Upload(written.Buffer!, written.ByteOffset, poison);
                    candidate.Run(backend);
                    backend.Download(written.Buffer!, written.ByteOffset, actual);
                    error = Compare(expected, actual, type);
                }
                if (error is null) ms = Time(candidate);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = $"{e.GetType().Name}: {e.Message.Split('\n', 2)[0]}";
            }
            results.Add(new CandidateResult(unbound.Name, ms, error));
            if (ms is double t && t < best)
            {
                if (!ReferenceEquals(winner.Workspace, candidate!.Workspace)) winner.Workspace?.Dispose();
                (best, winner) = (t, candidate);
            }
            else if (candidate?.Workspace is { } loser) loser.Dispose();
        }
        winner.Run(backend);
        cache?.Store(backend, key, winner.Name);
        return (winner, new TacticReport(layer, key, results, winner.Name, FromCache: false));
    }

    /// <summary>The candidate ready to run: itself, or bound to a workspace allocated now.</summary>
    private TacticCandidate Bound(TacticCandidate candidate)
    {
        if (candidate.Bind is not { } bind) return candidate;
        var workspace = backend.Allocate(candidate.WorkspaceBytes);
        try
        {
            return bind(workspace);
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    private double Time(TacticCandidate candidate)
    {
        candidate.Run(backend);
        var samples = new double[TimedRuns];
        for (int i = 0; i < samples.Length; i++)
        {
            using var start = backend.RecordEvent();
            candidate.Run(backend);
            using var end = backend.RecordEvent();
            samples[i] = backend.ElapsedMilliseconds(start, end);
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    /// <summary>Null when <paramref name="actual"/> matches, else the first mismatch in words.</summary>
    internal static string? Compare(byte[] expected, byte[] actual, KernelElementType type)
    {
        if (type != KernelElementType.Float32)
        {
            int at = expected.AsSpan().CommonPrefixLength(actual);
            return at == expected.Length ? null : $"not bit-exact: byte {at} is {actual[at]}, the reference wrote {expected[at]}";
        }
        var e = MemoryMarshal.Cast<byte, float>(expected);
        var a = MemoryMarshal.Cast<byte, float>(actual);
        float scale = 0;
        foreach (float v in e) scale = Math.Max(scale, Math.Abs(v));
        double limit = Fp32Tolerance * Math.Max(scale, float.Epsilon);
        for (int i = 0; i < e.Length; i++)
        {
            double diff = Math.Abs((double)a[i] - e[i]);
            if (!(diff <= limit))
                return $"element {i} is {a[i]:G9}, the reference {e[i]:G9} (|diff| {diff:G3} > {Fp32Tolerance:G1} x max|ref| {scale:G3})";
        }
        return null;
    }
}
