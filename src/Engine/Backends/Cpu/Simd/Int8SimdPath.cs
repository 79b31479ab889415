using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// The instruction set of an int8 SIMD kernel of the cpu device. Every path computes the same int32 sums as the
/// reference kernels (wrapping int32 arithmetic, so even an overflowing sum is bit-identical); wider is faster.
/// </summary>
public enum Int8SimdPath
{
    /// <summary>No SIMD int8 kernel applies: the reference (translated ILGPU) kernels run.</summary>
    None,

    /// <summary>
    /// AVX2: int8 sign-extended to int16 and multiplied pairwise by <c>vpmaddwd</c> into int32. It cannot saturate:
    /// |x·w| ≤ 128·127, a pair ≤ 32,512, far inside int32 (the one saturating case, −32768·−32768 twice, needs a
    /// weight of −32768). <c>vpmaddubsw</c> is not used: its int16 pair sum of u8·s8 reaches 2·255·127 = 64,770 and saturates.
    /// </summary>
    Avx2,

    /// <summary>
    /// AVX-VNNI: <c>vpdpbusd</c>, four u8 × s8 products added straight into int32 (no int16 step, no saturation). The
    /// signed activation x is offset to the unsigned x + 128 and the sum corrected by 128·Σw, a per-channel constant
    /// packed with the weights (or, for Linear, the weights are offset and 128·Σx is subtracted).
    /// </summary>
    AvxVnni,
}

/// <summary>Which <see cref="Int8SimdPath"/> the cpu has, and a switch tests use to force a narrower one.</summary>
public static class Int8Simd
{
    /// <summary>The widest path this cpu runs (AVX-512 VNNI's 512-bit <c>vpdpbusd</c> has no .NET 10 API; its 256-bit form is AvxVnni).</summary>
    public static Int8SimdPath Widest { get; } =
        AvxVnni.IsSupported ? Int8SimdPath.AvxVnni : Avx2.IsSupported ? Int8SimdPath.Avx2 : Int8SimdPath.None;

    private static readonly AsyncLocal<Int8SimdPath?> s_forced = new();

    /// <summary>
    /// The path kernels bound now use: <see cref="Widest"/>, or a narrower one forced for this async flow (binding
    /// happens on the session-creating thread, so a forced test never reaches one running beside it).
    /// </summary>
    public static Int8SimdPath Current => s_forced.Value is { } forced && forced < Widest ? forced : Widest;

    /// <summary>
    /// Narrows the path for this async flow until the result is disposed: tests cover AVX2 on a VNNI machine, and
    /// <see cref="Int8SimdPath.None"/> turns the int8 SIMD tactics off (the reference kernels run). Bound kernels keep their path.
    /// </summary>
    public static IDisposable Force(Int8SimdPath path)
    {
        var previous = s_forced.Value;
        s_forced.Value = path;
        return new Restore(previous);
    }

    /// <summary>Every SIMD path this cpu runs, narrowest first (what the tests cover).</summary>
    public static IReadOnlyList<Int8SimdPath> Available { get; } =
        [.. Enum.GetValues<Int8SimdPath>().Where(p => p != Int8SimdPath.None && p <= Widest)];

    /// <summary>k values one int32 lane multiplies at once: 4 bytes for vpdpbusd, 2 int16 for vpmaddwd.</summary>
    internal static int LaneK(Int8SimdPath path) => path == Int8SimdPath.AvxVnni ? 4 : 2;

    private sealed class Restore(Int8SimdPath? previous) : IDisposable
    {
        public void Dispose() => s_forced.Value = previous;
    }
}
