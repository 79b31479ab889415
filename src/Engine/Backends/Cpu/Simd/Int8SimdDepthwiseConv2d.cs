using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Int8 depthwise Conv2d (groups = in = out channels) on the cpu. Per (image, channel) plane: the plane is padded with
/// the input zero point into this thread's scratch, its columns split by phase (x mod stride) so a tap's inputs for
/// consecutive outputs are consecutive bytes at any stride; then interleaved so one int32 lane holds a column of
/// several kernel rows (four u8 for <c>vpdpbusd</c>, two int16 for <c>vpmaddwd</c>). A 3×3 tap set is then 3
/// (AVX-VNNI) or 6 (AVX2) instructions per 8 outputs. Same wrapping int32 sums and store as
/// <see cref="Int8Conv2dKernels.Int8Conv2d"/>; requantized 8 lanes at a time by <see cref="Int8Epilogue"/>.
/// </summary>
public sealed unsafe partial class Int8SimdDepthwiseConv2d : ICpuParallelBody
{
    // Outputs a job should hold at least: small planes (7×7) are grouped, so a job is worth a worker's wake-up.
    private const int OutputsPerJob = 4096;

    // Bytes of scratch before the flat input copy: a padded row's first columns read before its input row.
    private const int FlatMargin = 64;

    private readonly Int8Conv2dParams _p;
    private readonly Int8SimdPath _path;
    private readonly bool _wide, _direct, _rolling;
    private readonly byte[] _edgeMask;
    private readonly int[] _packed;
    private readonly int[] _offsets, _startRows;
    private readonly int _taps, _rowsPerLane, _phaseW, _rowBytes, _byteRows, _flatBytes, _tempBytes, _planeBytes, _scratchBytes, _planesPerJob, _jobs;
    private sbyte* _input, _output;
    private int* _bias, _multiplier, _shift;
    private int _mode;
    private Int8Epilogue _epilogue;
    private bool _overlapStores;

    /// <summary>
    /// Whether <paramref name="p"/> is depthwise with one output channel per input channel (and an int8 input zero
    /// point, the padding byte) and <paramref name="path"/> is a SIMD path.
    /// </summary>
    public static bool Applies(in Int8Conv2dParams p, Int8SimdPath path) =>
        path != Int8SimdPath.None && p.Groups > 1 && p.Groups == p.InChannels && p.Groups == p.OutChannels
        && p.InputZeroPoint is >= sbyte.MinValue and <= sbyte.MaxValue && p.StrideW > 0 && p.StrideH > 0;

    /// <summary>A kernel over <paramref name="weight"/> (int8 [channels, 1, kh, kw]) on <paramref name="path"/>.</summary>
    public Int8SimdDepthwiseConv2d(Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path) : this(p, Pack(p, weight, path), path) { }

    /// <summary>Kernel rows one int32 lane holds on <paramref name="path"/>.</summary>
    private static int RowsPerLane(Int8SimdPath path) => path == Int8SimdPath.AvxVnni ? VnniDepthwiseTaps.RowsPerLane : Avx2DepthwiseTaps.RowsPerLane;

    /// <summary>
    /// The weights as <paramref name="path"/> multiplies them: per channel, one int32 word per (row group, kernel
    /// column), four s8 (AVX-VNNI) or two int16 (AVX2) kernel rows, zeros past the kernel; then the constant the sum
    /// starts from (−128·Σw on AVX-VNNI, which multiplies x + 128; 0 on AVX2).
    /// </summary>
    public static int[] Pack(in Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path)
    {
        int kh = p.KernelH, kw = p.KernelW, rows = RowsPerLane(path), groups = (kh + rows - 1) / rows, stride = groups * kw + 1;
        if (weight.Length != p.OutChannels * kh * kw) throw new ArgumentException("weights of another shape", nameof(weight));
        var packed = GC.AllocateArray<int>(p.OutChannels * stride, pinned: true);
        Span<int> tap = stackalloc int[4];
        for (int c = 0; c < p.OutChannels; c++)
        {
            var w = weight.Slice(c * kh * kw, kh * kw);
            int sum = 0;
            foreach (sbyte v in w) sum += v;
            for (int g = 0; g < groups; g++)
                for (int kx = 0; kx < kw; kx++)
                {
                    for (int j = 0; j < rows; j++) tap[j] = g * rows + j < kh ? w[(g * rows + j) * kw + kx] : 0;
                    packed[c * stride + g * kw + kx] = rows == 4
                        ? Int8Conv2dKernels.Pack4(tap[0], tap[1], tap[2], tap[3])
                        : (int)((uint)(ushort)(short)tap[0] | (uint)tap[1] << 16);
                }
            packed[c * stride + groups * kw] = rows == 4 ? -128 * sum : 0;
        }
        return packed;
    }

    /// <summary>A kernel over weights <see cref="Pack"/> made for <paramref name="path"/>.</summary>
    public Int8SimdDepthwiseConv2d(Int8Conv2dParams p, int[] packed, Int8SimdPath path)
    {
        if (!Applies(p, path)) throw new ArgumentException("not a depthwise conv this kernel runs", nameof(p));
        _p = p;
        _path = path;
        // 16 outputs requantized at once where 512-bit vectors are the level bound (CpuSimd.Force narrows it in tests).
        _wide = CpuSimd.Level == SimdLevel.Vector512 && Avx512F.IsSupported;
        _rowsPerLane = RowsPerLane(path);
        int groups = (p.KernelH + _rowsPerLane - 1) / _rowsPerLane;
        _taps = groups * p.KernelW;
        if (packed.Length != p.OutChannels * (_taps + 1)) throw new ArgumentException("weights packed for another shape or path", nameof(packed));
        _packed = packed;
        int paddedH = p.Height + 2 * p.PadH, paddedW = p.Width + 2 * p.PadW;
        _phaseW = Align((paddedW + p.StrideW - 1) / p.StrideW, 16);
        _rowBytes = p.StrideW * _phaseW;
        _byteRows = paddedH + (_rowsPerLane - 1) * p.DilationH;
        // The flat input copy: a margin before it and a row of slack after it for the direct path's reads.
        _flatBytes = FlatMargin + Align(p.Height * p.Width + _rowBytes + 64, 64);
        _direct = p.StrideW == 1 && p.PadW <= FlatMargin;
        _edgeMask = GC.AllocateArray<byte>(_rowBytes, pinned: true);
        for (int c = 0; c < _rowBytes; c++) _edgeMask[c] = c < p.PadW || c >= p.PadW + p.Width ? (byte)0xFF : (byte)0;
        _tempBytes = Align(paddedW, 16) + 64;
        _planeBytes = Align(_byteRows * _rowBytes, 64);
        // Interleaved rows are indexed by padded row; one more row and a vector of slack for the last vectors' over-read.
        _scratchBytes = _flatBytes + _tempBytes + _planeBytes + (paddedH + 1) * _rowBytes * 4 + 64;
        _offsets = new int[_taps];
        for (int g = 0; g < groups; g++)
            for (int kx = 0; kx < p.KernelW; kx++)
            {
                int column = kx * p.DilationW;
                _offsets[g * p.KernelW + kx] = g * _rowsPerLane * p.DilationH * _rowBytes + column % p.StrideW * _phaseW + column / p.StrideW;
            }
        var starts = new SortedSet<int>();
        for (int oy = 0; oy < p.OutH; oy++)
            for (int g = 0; g < groups; g++) starts.Add(oy * p.StrideH + g * _rowsPerLane * p.DilationH);
        _startRows = [.. starts];
        // Interleaved rows 0, 1, 2, ... of consecutive padded rows: each padded row can be made once and rolled through.
        _rolling = _direct && p.DilationH == 1 && _startRows.Length > 0 && _startRows[^1] == _startRows.Length - 1;
        int planes = p.Batch * p.OutChannels;
        _planesPerJob = Math.Clamp(OutputsPerJob / Math.Max(1, p.OutH * p.OutW), 1, Math.Max(1, planes));
        _jobs = (planes + _planesPerJob - 1) / _planesPerJob;
    }

    private static int Align(int value, int to) => (value + to - 1) / to * to;

    /// <summary>The path the kernel was made for.</summary>
    public Int8SimdPath Path => _path;

    /// <summary>Whether the kernel requantizes 16 outputs at once (AVX-512F, bound when <see cref="CpuSimd.Level"/> was Vector512).</summary>
    public bool Wide => _wide;

    /// <summary><see cref="Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/> over spans (tests, callers without pointers).</summary>
    public void Run(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> bias, ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<sbyte> output, Span<int> accumulator, int mode)
    {
        fixed (sbyte* x = input, y = output)
        fixed (int* b = bias, m = multiplier, s = shift, a = accumulator)
            Run(x, b, m, s, y, a, mode);
    }

    /// <summary>As <see cref="Int8SimdConv2d.Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/>; one run at a time per instance.</summary>
    public void Run(sbyte* input, int* bias, int* multiplier, int* shift, sbyte* output, int* accumulator, int mode)
    {
        _input = input;
        _output = output;
        _bias = bias;
        _multiplier = multiplier;
        _shift = shift;
        _mode = mode;
        _epilogue = new Int8Epilogue(mode, multiplier, shift, output, accumulator, _p.OutputZeroPoint, _p.ClampMin, _p.ClampMax);
        // A row's last vector may store past the row into the next one (rewritten after), except when stores add.
        _overlapStores = mode != RequantizeKernels.AddSumAccumulate;
        // A depthwise multiply-add costs about 4 of the GEMM's (9 per output, each plane laid out first): weighted so,
        // as the fp32 depthwise weights its own, the larger layers spread over the cores.
        Int8Jobs.Run(_jobs, this, 4L * _p.Batch * _p.OutChannels * _p.OutH * _p.OutW * _p.KernelH * _p.KernelW);
        _input = _output = null;
        _bias = _multiplier = _shift = null;
    }

    /// <summary>Job <paramref name="index"/>: planes (image · channels + channel) from index · planes-per-job on.</summary>
    void ICpuParallelBody.Run(int index)
    {
        int first = index * _planesPerJob, end = Math.Min(first + _planesPerJob, _p.Batch * _p.OutChannels);
        var scratch = Int8Scratch.Get(_scratchBytes + 64); // + 64: the alignment below
        fixed (byte* bytes = scratch)
        fixed (int* packed = _packed, offsets = _offsets, starts = _startRows)
        fixed (byte* edges = _edgeMask)
        {
            var frame = new Frame(Align64(bytes), packed, offsets, starts, edges);
            for (int plane = first; plane < end; plane++)
                if (_path == Int8SimdPath.AvxVnni) Plane<VnniDepthwiseTaps>(plane, frame);
                else Plane<Avx2DepthwiseTaps>(plane, frame);
        }
    }

    private static byte* Align64(byte* p) => (byte*)(((nint)p + 63) & ~(nint)63);

    /// <summary>A job's pinned pointers: its scratch (64-byte aligned), the packed weights, the tap offsets, the interleaved rows to build.</summary>
    private readonly struct Frame(byte* scratch, int* packed, int* offsets, int* startRows, byte* edgeMask)
    {
        public readonly byte* Scratch = scratch, EdgeMask = edgeMask;
        public readonly int* Packed = packed, Offsets = offsets, StartRows = startRows;
    }
}
