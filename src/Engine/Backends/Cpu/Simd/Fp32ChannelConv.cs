using System.Runtime.Intrinsics;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// fp32 conv vectorized along output channels: per (conv group, image) C^T[pixel, oc] =
/// Σ_k X^T[pixel, k] · W^T[k, oc], read straight from the input (zero-padded once per run into a buffer whose borders
/// stay zero), W packed [group][k][oc padded to 16] once. A 7×7 map has 49 pixels: tiles along pixels would run mostly
/// empty, tiles of 6 pixels × 64 channels do not, and no im2col is gathered. A job is up to <see cref="ChunkPixels"/>
/// pixels (the map split evenly) × <see cref="SliceChannels"/> channels; its tile goes to scratch as [pixel][channel]
/// (bias and activation applied) and is transposed into NCHW.
/// </summary>
public sealed unsafe class Fp32ChannelConv : CpuTacticRun
{
    /// <summary>Output pixels per job at most (a multiple of the micro-tile's 6).</summary>
    public const int ChunkPixels = 16 * Fp32ChannelGemm.Pixels;

    /// <summary>Output channels per job (4 AVX-512 vectors), and the scratch tile's row stride.</summary>
    public const int SliceChannels = 64;

    /// <summary>Channels are padded to this (the widest vector), so every path's blocks tile them exactly.</summary>
    public const int ChannelAlign = 16;

    [ThreadStatic] private static float[]? t_tile;

    private readonly Fp32Conv2dShape _shape;
    private readonly float[] _packed, _bias;
    private readonly int[] _offsets;
    private readonly float[]? _padded;
    private readonly float* _input, _output;
    private readonly int _paddedH, _paddedW, _channelsPadded, _chunks, _chunkPixels, _slices;
    private readonly object[] _keep;
    private SimdLevel _level;

    /// <summary>
    /// A conv over pinned memory: <paramref name="packed"/> from <see cref="Pack"/>, <paramref name="bias"/> from
    /// <see cref="PackBias"/>. <paramref name="keep"/> holds the arrays behind the pointers.
    /// </summary>
    public Fp32ChannelConv(Fp32Conv2dShape shape, float[] packed, float[] bias, float* input, float* output, object[] keep)
    {
        _shape = shape;
        _packed = packed;
        _bias = bias;
        _input = input;
        _output = output;
        _keep = keep;
        _paddedH = shape.Height + 2 * shape.PadH;
        _paddedW = shape.Width + 2 * shape.PadW;
        if (shape.PadH > 0 || shape.PadW > 0) _padded = PackedWeights.Pinned<float>(checked(shape.Batch * shape.InChannels * _paddedH * _paddedW));
        _channelsPadded = ChannelsPadded(shape);
        _slices = (_channelsPadded + SliceChannels - 1) / SliceChannels;
        // Even chunks, whole tiles (196 pixels are 3 jobs of 66, not 96 + 96 + 4), and at least two jobs per core where
        // the map has the tiles, so a launch the parallel loop spreads keeps every core busy (a 7×7 map: 30 + 19 pixels).
        int tiles = (shape.Pixels + Fp32ChannelGemm.Pixels - 1) / Fp32ChannelGemm.Pixels;
        int wanted = (2 * Environment.ProcessorCount + shape.Groups * shape.Batch * _slices - 1) / (shape.Groups * shape.Batch * _slices);
        _chunks = Math.Clamp(wanted, (shape.Pixels + ChunkPixels - 1) / ChunkPixels, Math.Max(tiles, 1));
        int perChunk = (shape.Pixels + _chunks - 1) / _chunks;
        _chunkPixels = (perChunk + Fp32ChannelGemm.Pixels - 1) / Fp32ChannelGemm.Pixels * Fp32ChannelGemm.Pixels;
        _chunks = (shape.Pixels + _chunkPixels - 1) / _chunkPixels;
        _offsets = PackedWeights.Pinned<int>(shape.Depth);
        int taps = shape.KernelH * shape.KernelW;
        for (int k = 0; k < shape.Depth; k++)
        {
            int ci = k / taps, ky = k % taps / shape.KernelW, kx = k % shape.KernelW;
            _offsets[k] = (ci * _paddedH + ky * shape.DilationH) * _paddedW + kx * shape.DilationW;
        }
    }

    private static int ChannelsPadded(Fp32Conv2dShape shape) => (shape.RowsPerGroup + ChannelAlign - 1) / ChannelAlign * ChannelAlign;

    /// <summary>W [cout, cin / groups, kh, kw] as [group][k][channel padded to 16], zeros in the padding.</summary>
    public static float[] Pack(Fp32Conv2dShape shape, ReadOnlySpan<float> weight)
    {
        int rows = shape.RowsPerGroup, depth = shape.Depth, padded = ChannelsPadded(shape);
        var packed = PackedWeights.Pinned<float>(shape.Groups * depth * padded);
        for (int g = 0; g < shape.Groups; g++)
            for (int m = 0; m < rows; m++)
                for (int k = 0; k < depth; k++)
                    packed[((long)g * depth + k) * padded + m] = weight[(g * rows + m) * depth + k];
        return packed;
    }

    /// <summary>The bias per group padded like the channels (zeros where the conv has none).</summary>
    public static float[] PackBias(Fp32Conv2dShape shape, ReadOnlySpan<float> bias)
    {
        int rows = shape.RowsPerGroup, padded = ChannelsPadded(shape);
        var packed = PackedWeights.Pinned<float>(shape.Groups * padded);
        if (shape.HasBias)
            for (int g = 0; g < shape.Groups; g++)
                for (int m = 0; m < rows; m++) packed[g * padded + m] = bias[g * rows + m];
        return packed;
    }

    /// <summary>Computes a conv over plain arrays (tests, benchmarks): packs, pins, binds and runs <paramref name="runs"/> times.</summary>
    public static void Compute(Fp32Conv2dShape shape, float[] input, float[] weight, float[] bias, float[] output, int runs = 1)
    {
        fixed (float* x = input, y = output)
        {
            var conv = new Fp32ChannelConv(shape, Pack(shape, weight), PackBias(shape, bias), x, y, []);
            for (int i = 0; i < runs; i++) conv.Execute();
        }
    }

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(_keep);
        if (_padded is not null) CopyInterior();
        var s = _shape;
        RunJobs(s.Groups * s.Batch * _chunks * _slices, (long)s.Batch * s.OutChannels * s.Pixels * s.Depth);
    }

    /// <summary>The input into the padded buffer's interior (its borders were zeroed when it was made and stay so).</summary>
    private void CopyInterior()
    {
        var s = _shape;
        fixed (float* padded = _padded)
            for (long plane = 0; plane < (long)s.Batch * s.InChannels; plane++)
            {
                float* source = _input + plane * s.Height * s.Width;
                float* target = padded + plane * _paddedH * _paddedW + (long)s.PadH * _paddedW + s.PadW;
                for (int y = 0; y < s.Height; y++)
                    Buffer.MemoryCopy(source + (long)y * s.Width, target + (long)y * _paddedW, s.Width * 4L, s.Width * 4L);
            }
    }

    public override void Run(int index)
    {
        switch (_level)
        {
            case SimdLevel.Vector512: Job<Simd512, Vector512<float>>(index, wide: true); break;
            case SimdLevel.Vector256: Job<Simd256, Vector256<float>>(index, wide: false); break;
            case SimdLevel.Vector128: Job<Simd128, Vector128<float>>(index, wide: false); break;
            default: Job<SimdScalar, float>(index, wide: false); break;
        }
    }

    /// <summary>One job; <paramref name="wide"/>: the path has 32 vector registers for 4-vector tiles.</summary>
    private void Job<TS, TV>(int index, bool wide) where TS : ISimd<TV> where TV : struct
    {
        var s = _shape;
        int width = TS.Width, depth = s.Depth, pixels = s.Pixels;
        int slice = index % _slices, rest = index / _slices;
        int chunk = rest % _chunks;
        rest /= _chunks;
        int image = rest % s.Batch, group = rest / s.Batch;
        int p0 = chunk * _chunkPixels, pEnd = Math.Min(pixels, p0 + _chunkPixels);
        int oc0 = slice * SliceChannels, ocEnd = Math.Min(_channelsPadded, oc0 + SliceChannels);
        long planeSize = (long)_paddedH * _paddedW;
        t_tile ??= PackedWeights.Pinned<float>(ChunkPixels * SliceChannels);
        fixed (float* tile = t_tile, packed = _packed, biasBase = _bias, paddedBase = _padded)
        fixed (int* offsets = _offsets)
        {
            float* plane = (paddedBase != null ? paddedBase : _input) + ((long)image * s.InChannels + (long)group * s.InPerGroup) * planeSize;
            float* weights = packed + (long)group * depth * _channelsPadded;
            float* bias = biasBase + group * _channelsPadded;
            for (int p = p0; p < pEnd; p += Fp32ChannelGemm.Pixels)
            {
                // Past the chunk's end a tile recomputes its last pixel into scratch rows nobody reads.
                float* x0 = Base(plane, p, pEnd), x1 = Base(plane, p + 1, pEnd), x2 = Base(plane, p + 2, pEnd);
                float* x3 = Base(plane, p + 3, pEnd), x4 = Base(plane, p + 4, pEnd), x5 = Base(plane, p + 5, pEnd);
                float* row = tile + (long)(p - p0) * SliceChannels - oc0;
                for (int oc = oc0; oc < ocEnd;)
                {
                    int left = ocEnd - oc;
                    if (wide && left >= 4 * width && pEnd - p < Fp32ChannelGemm.Pixels)
                    {
                        for (int q = p; q < pEnd; q += 2)
                            Fp32ChannelGemm.Tile4Pair<TS, TV>(weights + oc, _channelsPadded, offsets, depth, Base(plane, q, pEnd), Base(plane, q + 1, pEnd),
                                bias + oc, s.Activation, row + (long)(q - p) * SliceChannels + oc, SliceChannels);
                        oc += 4 * width;
                    }
                    else if (wide && left >= 4 * width)
                    {
                        Fp32ChannelGemm.Tile4<TS, TV>(weights + oc, _channelsPadded, offsets, depth, x0, x1, x2, x3, x4, x5, bias + oc, s.Activation,
                            row + oc, SliceChannels);
                        oc += 4 * width;
                    }
                    else if (wide && left == 3 * width)
                    {
                        Fp32ChannelGemm.Tile3<TS, TV>(weights + oc, _channelsPadded, offsets, depth, x0, x1, x2, x3, x4, x5, bias + oc, s.Activation,
                            row + oc, SliceChannels);
                        oc += 3 * width;
                    }
                    else if (left >= 2 * width)
                    {
                        Fp32ChannelGemm.Tile2<TS, TV>(weights + oc, _channelsPadded, offsets, depth, x0, x1, x2, x3, x4, x5, bias + oc, s.Activation,
                            row + oc, SliceChannels);
                        oc += 2 * width;
                    }
                    else
                    {
                        Fp32ChannelGemm.Tile1<TS, TV>(weights + oc, _channelsPadded, offsets, depth, x0, x1, x2, x3, x4, x5, bias + oc, s.Activation,
                            row + oc, SliceChannels);
                        oc += width;
                    }
                }
            }
            // [pixel][channel] scratch into NCHW: each channel's pixels are contiguous in the output.
            int rows = s.RowsPerGroup;
            if (oc0 < rows)
                Fp32TileTranspose.Store(tile, SliceChannels, Math.Min(ocEnd, rows) - oc0, pEnd - p0,
                    _output + ((long)image * s.OutChannels + (long)group * rows + oc0) * pixels + p0, pixels);
        }
    }

    private float* Base(float* plane, int pixel, int end)
    {
        if (pixel >= end) pixel = end - 1;
        int oy = pixel / _shape.OutW, ox = pixel - oy * _shape.OutW;
        return plane + (long)oy * _shape.StrideH * _paddedW + (long)ox * _shape.StrideW;
    }
}
