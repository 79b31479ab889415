using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Int8 Conv2d as a direct conv vectorized over output channels: the input is copied once per run into a padded
/// channels-last buffer (VNNI: u8 = x + 128; AVX2: int16; padding holds the input zero point), so every k step of a
/// pixel is 4 contiguous bytes at a fixed offset from the pixel (no im2col), and <see cref="Int8ChannelMicroKernels"/>
/// multiplies 6 pixels by 16 channels of weights packed once. Small maps waste no columns (6 pixels a tile, rows
/// crossed freely) and a depth of 27 is 9 steps. Same int32 sums and store as the reference kernel: bit-exact.
/// Jobs are (group, 16-channel block, chunk of pixel tiles). One run at a time per instance.
/// </summary>
internal sealed unsafe partial class Int8DirectConv2d
{
    private const int Block = Int8ChannelMicroKernels.Channels;

    private readonly Int8Conv2dParams _p;
    private readonly Int8SimdPath _path;
    private readonly int _element, _cinPadded, _steps, _coutG, _blocks, _pixels, _columns, _tiles, _chunks, _tilesPerChunk;
    private readonly int _paddedH, _paddedW, _pixelBytes, _imageBytes;
    private readonly byte[] _weights;
    private readonly bool _wide;
    private readonly int[] _offsets, _planeOffsets;
    private readonly Body _body;

    /// <summary>Channels per group padded to the path's lane (4 u8 or 2 int16 a step) and k steps over the depth.</summary>
    private static (int CinPadded, int Steps) Geometry(in Int8Conv2dParams p, Int8SimdPath path)
    {
        int lane = Int8Simd.LaneK(path), cinG = p.InChannels / p.Groups;
        int cinPadded = (cinG + lane - 1) / lane * lane;
        return (cinPadded, p.KernelH * p.KernelW * cinPadded / lane);
    }

    private static int Blocks(in Int8Conv2dParams p) => (p.OutChannels / p.Groups + Block - 1) / Block;

    /// <summary>Per (group, block): steps × 64 bytes of weights; then one int32 correction per padded channel.</summary>
    private static int PackedBytes(in Int8Conv2dParams p, int steps) => p.Groups * Blocks(p) * Block * (steps * 4 + 4);

    /// <summary>
    /// The packed weights: per group and 16-channel block, per k step (tap, then channels of the lane), the 16
    /// channels' 4 bytes (4 s8 for VNNI, 2 int16 for AVX2; missing channels zero); then per padded channel the int32
    /// to subtract (VNNI: 128·Σw, the +128 offset of the activations; AVX2: 0).
    /// </summary>
    public static byte[] Pack(in Int8Conv2dParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path)
    {
        var (cinPadded, steps) = Geometry(p, path);
        int cinG = p.InChannels / p.Groups, coutG = p.OutChannels / p.Groups, taps = p.KernelH * p.KernelW, blocks = Blocks(p);
        int lane = Int8Simd.LaneK(path), blockBytes = steps * 4 * Block;
        var packed = GC.AllocateArray<byte>(PackedBytes(p, steps), pinned: true);
        fixed (byte* basePtr = packed)
        {
            int* correction = (int*)(basePtr + p.Groups * blocks * blockBytes);
            for (int g = 0; g < p.Groups; g++)
                for (int m = 0; m < coutG; m++)
                {
                    int co = g * coutG + m, slot = g * blocks * Block + m;
                    byte* block = basePtr + (g * blocks + m / Block) * blockBytes;
                    for (int ci = 0; ci < cinG; ci++)
                        for (int t = 0; t < taps; t++)
                        {
                            sbyte w = weight[(co * cinG + ci) * taps + t];
                            int k = t * cinPadded + ci, step = k / lane;
                            byte* at = block + step * 4 * Block + (m % Block) * 4;
                            if (path == Int8SimdPath.AvxVnni) ((sbyte*)at)[k % lane] = w;
                            else ((short*)at)[k % lane] = w;
                            correction[slot] += path == Int8SimdPath.AvxVnni ? 128 * w : 0;
                        }
                }
        }
        return packed;
    }

    /// <summary>A kernel over weights <see cref="Pack"/> made for the same params and path.</summary>
    public Int8DirectConv2d(Int8Conv2dParams p, byte[] packed, Int8SimdPath path)
    {
        _p = p;
        _path = path;
        _element = path == Int8SimdPath.AvxVnni ? 1 : 2;
        (_cinPadded, _steps) = Geometry(p, path);
        if (packed.Length != PackedBytes(p, _steps)) throw new ArgumentException("packed for another shape or path", nameof(packed));
        _weights = packed;
        _coutG = p.OutChannels / p.Groups;
        _blocks = Blocks(p);
        _pixels = p.OutH * p.OutW;
        _columns = p.Batch * _pixels;
        // The padded copy covers every read: the padding before, the input, and whatever the last window reaches past it.
        _paddedH = Math.Max(p.PadH + p.Height, (p.OutH - 1) * p.StrideH + (p.KernelH - 1) * p.DilationH + 1);
        _paddedW = Math.Max(p.PadW + p.Width, (p.OutW - 1) * p.StrideW + (p.KernelW - 1) * p.DilationW + 1);
        _pixelBytes = p.Groups * _cinPadded * _element;
        _imageBytes = _paddedH * _paddedW * _pixelBytes;
        int stepsPerTap = _cinPadded * _element / 4;
        _offsets = GC.AllocateArray<int>(_steps, pinned: true);
        for (int t = 0; t < p.KernelH * p.KernelW; t++)
            for (int s = 0; s < stepsPerTap; s++)
                _offsets[t * stepsPerTap + s] = ((t / p.KernelW) * p.DilationH * _paddedW + t % p.KernelW * p.DilationW) * _pixelBytes + s * 4;
        // Where each input pixel goes in the padded copy (from the first input pixel): narrow rows copy along the plane.
        _planeOffsets = new int[p.Width < 16 ? p.Height * p.Width : 0];
        for (int i = 0; i < _planeOffsets.Length; i++) _planeOffsets[i] = (i / p.Width * _paddedW + i % p.Width) * _pixelBytes;
        // About four jobs a core: the tiles split into chunks when the groups' blocks are too few.
        _tiles = (_columns + Int8ChannelMicroKernels.Pixels - 1) / Int8ChannelMicroKernels.Pixels;
        int target = 4 * Environment.ProcessorCount;
        _chunks = Math.Clamp((target + p.Groups * _blocks - 1) / (p.Groups * _blocks), 1, _tiles);
        _tilesPerChunk = (_tiles + _chunks - 1) / _chunks;
        _chunks = (_tiles + _tilesPerChunk - 1) / _tilesPerChunk;
        // The store's requantization on AVX-512 when the bind-time level allows it (tests force Vector256 to cover the other).
        _wide = CpuSimd.Level == SimdLevel.Vector512 && Avx512F.IsSupported;
        _body = new Body(this);
    }

    /// <summary>Multiply-adds the kernel does (padded lanes included), what decides whether its jobs go to the workers.</summary>
    public long Macs => (long)_p.Groups * _blocks * Block * _tiles * Int8ChannelMicroKernels.Pixels * _steps * Int8Simd.LaneK(_path);

    /// <summary>The conv into <paramref name="output"/> (Fused) or <paramref name="accumulator"/> (AddSum modes), as <see cref="Int8SimdConv2d.Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/>.</summary>
    public void Run(sbyte* input, int* bias, int* multiplier, int* shift, sbyte* output, int* accumulator, int mode)
    {
        var buffer = LayoutScratch.Get(_p.Batch * _imageBytes);
        fixed (byte* padded = buffer)
        {
            for (int b = 0; b < _p.Batch; b++) CopyImage(padded + (long)b * _imageBytes, input, b);
            _body.Set(padded, bias, new Int8Epilogue(mode, multiplier, shift, output, accumulator, _p.OutputZeroPoint, _p.ClampMin, _p.ClampMax));
            Int8Jobs.Run(_p.Groups * _blocks * _chunks, _body, Macs);
            _body.Set(null, null, default);
        }
    }

    /// <summary>The padded channels-last copy of the input, this (calling) thread's own; the workers only read it during the run.</summary>
    private static class LayoutScratch
    {
        [ThreadStatic] private static byte[]? t_bytes;

        public static byte[] Get(int bytes)
        {
            var current = t_bytes;
            if (current is null || current.Length < bytes + 64)
                t_bytes = current = GC.AllocateArray<byte>(Math.Max(bytes + 64, 1 << 16), pinned: true);
            return current;
        }
    }
}
