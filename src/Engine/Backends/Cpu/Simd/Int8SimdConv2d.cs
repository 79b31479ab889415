using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Int8 Conv2d on the cpu in one of two forms (<see cref="Int8ConvForm"/>): direct (<see cref="Int8DirectConv2d"/>, the
/// default) or as a packed GEMM per group: [cout/groups × K] weights packed once (k reordered tap-major,
/// channels innermost, padded to the path's lane), times an im2col of the input packed per chunk of 64 output pixels
/// into this thread's scratch, by <see cref="Int8GemmMicroKernels"/>. Same arguments, same int32 sums (integer sums do
/// not depend on their order) and the same store as <see cref="Int8Conv2dKernels.Int8Conv2d"/>: bit-exact. Threads
/// take (group, pixel chunk, channel range) items. One run at a time per instance.
/// </summary>
public sealed unsafe partial class Int8SimdConv2d
{
    /// <summary>Most output pixels per packed chunk (a multiple of <see cref="Int8GemmMicroKernels.Columns"/>).</summary>
    public const int ChunkColumns = 64;

    private readonly Int8Conv2dParams _p;
    private readonly Int8SimdPath _path;
    private readonly int _laneK, _cinPadded, _steps, _rows, _columns, _pixels, _chunks, _chunkColumns, _parts, _rowsPerPart;
    private readonly byte[] _weights;
    private readonly Body _body;
    private readonly Int8DirectConv2d? _direct;

    /// <summary>The form this instance computes in (chosen by <see cref="FormFor"/> unless a test asks for one).</summary>
    internal Int8ConvForm Form { get; }

    /// <summary>
    /// The form a conv takes: direct, faster on every RepVGG and VGG shape measured (most on small maps, where the
    /// GEMM's 16-pixel tiles and per-job im2col cost most); env <c>GPUENGINE_INT8_CONV_FORM=gemm</c> selects the
    /// im2col GEMM instead (before/after measurements), read when a conv is bound.
    /// </summary>
    internal static Int8ConvForm FormFor(in Int8Conv2dParams p) =>
        Environment.GetEnvironmentVariable("GPUENGINE_INT8_CONV_FORM") == "gemm" ? Int8ConvForm.Gemm : Int8ConvForm.Direct;

    /// <summary>Whether this kernel computes <paramref name="p"/> on <paramref name="path"/> (depthwise convs take <see cref="Int8SimdDepthwiseConv2d"/>).</summary>
    public static bool Applies(in Int8Conv2dParams p, Int8SimdPath path) =>
        path != Int8SimdPath.None && !Int8SimdDepthwiseConv2d.Applies(p, path) && p.Groups > 0 && p.OutChannels % p.Groups == 0;

    /// <summary>Packs <paramref name="weight"/> (int8 [cout, cin/groups, kh, kw]) for <paramref name="path"/>.</summary>
    public Int8SimdConv2d(Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path) : this(p, Pack(p, weight, path), path) { }

    /// <summary>A kernel over weights <see cref="Pack(in Int8Conv2dParams, ReadOnlySpan{sbyte}, Int8SimdPath)"/> made for the same params and path (shared by every instance).</summary>
    public Int8SimdConv2d(Int8Conv2dParams p, byte[] packed, Int8SimdPath path) : this(p, packed, path, FormFor(p)) { }

    /// <summary>Packs <paramref name="weight"/> for <paramref name="path"/> in <paramref name="form"/> (tests run both forms).</summary>
    internal Int8SimdConv2d(Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path, Int8ConvForm form)
        : this(p, Pack(p, weight, path, form), path, form) { }

    private Int8SimdConv2d(Int8Conv2dParams p, byte[] packed, Int8SimdPath path, Int8ConvForm form)
    {
        if (path == Int8SimdPath.None) throw new ArgumentException("no SIMD path", nameof(path));
        _p = p;
        _path = path;
        Form = form;
        if (form == Int8ConvForm.Direct)
        {
            _direct = new Int8DirectConv2d(p, packed, path);
            _weights = packed;
            _body = null!;
            return;
        }
        _laneK = Int8Simd.LaneK(path);
        (_cinPadded, _steps) = Geometry(p, path);
        _rows = p.OutChannels / p.Groups;
        _pixels = p.OutH * p.OutW;
        _columns = p.Batch * _pixels;
        if (packed.Length != PackedBytes(p, _steps)) throw new ArgumentException("packed for another shape or path", nameof(packed));
        _weights = packed;
        // Enough items for every core even on a 7×7 map: chunks down to one micro-tile (each packs only its own
        // columns), then the channels split too (each part packs the chunk again), in multiples of the tile's rows.
        int target = 4 * Environment.ProcessorCount;
        int perItem = (_columns + target - 1) / target;
        _chunkColumns = Math.Clamp((perItem + Int8GemmMicroKernels.Columns - 1) / Int8GemmMicroKernels.Columns * Int8GemmMicroKernels.Columns,
            Int8GemmMicroKernels.Columns, ChunkColumns);
        _chunks = (_columns + _chunkColumns - 1) / _chunkColumns;
        int parts = Math.Clamp((target + p.Groups * _chunks - 1) / (p.Groups * _chunks), 1, Math.Max(1, _rows / 16));
        _rowsPerPart = ((_rows + parts - 1) / parts + Int8GemmMicroKernels.Rows - 1) / Int8GemmMicroKernels.Rows * Int8GemmMicroKernels.Rows;
        _parts = (_rows + _rowsPerPart - 1) / _rowsPerPart;
        _body = new Body(this);
    }

    /// <summary>Channels per tap padded to the path's lane, and k steps (4 bytes a column each) over the depth.</summary>
    private static (int CinPadded, int Steps) Geometry(in Int8Conv2dParams p, Int8SimdPath path)
    {
        int lane = Int8Simd.LaneK(path), cinG = p.InChannels / p.Groups;
        int cinPadded = (cinG + lane - 1) / lane * lane;
        return (cinPadded, p.KernelH * p.KernelW * cinPadded / lane);
    }

    /// <summary>Rows of 4·steps bytes, then one int32 correction per output channel.</summary>
    private static int PackedBytes(in Int8Conv2dParams p, int steps) => p.OutChannels * (steps * 4 + 4);

    /// <summary>
    /// The packed weights: rows [cout][steps · 4 bytes], k = (tap, channel), s8 for VNNI or int16 for AVX2, then per
    /// channel the int32 to subtract (VNNI: 128·Σw, the +128 offset of the activations; AVX2: 0).
    /// </summary>
    public static byte[] Pack(in Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path) => Pack(p, weight, path, FormFor(p));

    /// <summary>The packed weights of <paramref name="form"/>: <see cref="PackGemm"/> or <see cref="Int8DirectConv2d.Pack"/>.</summary>
    internal static byte[] Pack(in Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path, Int8ConvForm form) =>
        form == Int8ConvForm.Direct ? Int8DirectConv2d.Pack(p, weight, path) : PackGemm(p, weight, path);

    /// <summary>
    /// The GEMM form's packed weights: rows [cout][steps · 4 bytes], k = (tap, channel), s8 for VNNI or int16 for
    /// AVX2, then per channel the int32 to subtract (VNNI: 128·Σw; AVX2: 0).
    /// </summary>
    private static byte[] PackGemm(in Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path)
    {
        var (cinPadded, steps) = Geometry(p, path);
        int cinG = p.InChannels / p.Groups, taps = p.KernelH * p.KernelW, rowBytes = steps * 4;
        var packed = GC.AllocateArray<byte>(PackedBytes(p, steps), pinned: true);
        fixed (byte* basePtr = packed)
        {
            int* correction = (int*)(basePtr + p.OutChannels * rowBytes);
            for (int co = 0; co < p.OutChannels; co++)
                for (int ci = 0; ci < cinG; ci++)
                    for (int t = 0; t < taps; t++)
                    {
                        sbyte w = weight[(co * cinG + ci) * taps + t];
                        int k = t * cinPadded + ci;
                        if (path == Int8SimdPath.AvxVnni) ((sbyte*)basePtr)[co * rowBytes + k] = w;
                        else ((short*)(basePtr + co * rowBytes))[k] = w;
                        correction[co] += path == Int8SimdPath.AvxVnni ? 128 * w : 0;
                    }
        }
        return packed;
    }

    /// <summary>The path this instance was packed for.</summary>
    public Int8SimdPath Path => _path;

    /// <summary>
    /// The conv of <paramref name="input"/> (int8 NCHW) into <paramref name="output"/> (mode Fused) or
    /// <paramref name="accumulator"/> (AddSum modes); <paramref name="bias"/> is read when the params say HasBias.
    /// </summary>
    /// <summary><see cref="Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/> over spans (tests, callers without pointers).</summary>
    public void Run(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> bias, ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<sbyte> output, Span<int> accumulator, int mode)
    {
        fixed (sbyte* x = input, y = output)
        fixed (int* b = bias, m = multiplier, s = shift, a = accumulator)
            Run(x, b, m, s, y, a, mode);
    }

    public void Run(sbyte* input, int* bias, int* multiplier, int* shift, sbyte* output, int* accumulator, int mode)
    {
        if (_direct is not null)
        {
            _direct.Run(input, bias, multiplier, shift, output, accumulator, mode);
            return;
        }
        _body.Set(input, bias, new Int8Epilogue(mode, multiplier, shift, output, accumulator, _p.OutputZeroPoint, _p.ClampMin, _p.ClampMax));
        Int8Jobs.Run(_p.Groups * _chunks * _parts, _body, (long)_p.OutChannels * _columns * _steps * Int8Simd.LaneK(_path));
        _body.Set(null, null, default);
    }
}

/// <summary>How <see cref="Int8SimdConv2d"/> computes a conv: im2col packed GEMM over pixels, or direct over output channels.</summary>
public enum Int8ConvForm
{
    /// <summary>im2col of 16–64 pixels per job times weights in 4-row panels (<see cref="Int8GemmMicroKernels"/>).</summary>
    Gemm,

    /// <summary>A padded channels-last copy of the input, 6 pixels × 16 channels a tile (<see cref="Int8ChannelMicroKernels"/>).</summary>
    Direct,
}
