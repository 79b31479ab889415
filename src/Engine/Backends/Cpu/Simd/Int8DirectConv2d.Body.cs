using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuEngine.Backends.Cpu.Simd;

internal sealed unsafe partial class Int8DirectConv2d
{
    /// <summary>One (group, block, chunk) job: every 6-pixel tile of the chunk times the block's 16 channels, then their store.</summary>
    private sealed class Body(Int8DirectConv2d conv) : ICpuParallelBody
    {
        // Four 6-pixel tiles a group, their 24 pixels stored as 3 × 8: an 8-byte store a channel (6 bytes cost 3 stores),
        // and on AVX-512 the in-register store of Int8Epilogue.TryStoreFused16x8; on shallow convs the store is most of the time.
        private const int TilesPerGroup = 4, StorePixels = 8;

        private byte* _padded;
        private int* _bias;
        private Int8Epilogue _epilogue;

        public void Set(byte* padded, int* bias, Int8Epilogue epilogue)
        {
            _padded = padded;
            _bias = bias;
            _epilogue = epilogue;
        }

        public void Run(int index)
        {
            var c = conv;
            var p = c._p;
            const int pixelsPerTile = Int8ChannelMicroKernels.Pixels;
            int chunk = index % c._chunks, rest = index / c._chunks;
            int block = rest % c._blocks, g = rest / c._blocks;
            int* add = stackalloc int[Block];
            int* tile = stackalloc int[TilesPerGroup * pixelsPerTile * Block];
            byte** px = stackalloc byte*[pixelsPerTile];
            int m0 = block * Block, channel0 = g * c._coutG + m0;
            fixed (byte* weights = c._weights)
            fixed (int* offsets = c._offsets)
            {
                int blockBytes = c._steps * 4 * Block;
                int* correction = (int*)(weights + p.Groups * c._blocks * blockBytes) + (g * c._blocks + block) * Block;
                for (int j = 0; j < Block; j++)
                    add[j] = (p.HasBias != 0 && m0 + j < c._coutG ? _bias[channel0 + j] : 0) - correction[j];
                byte* w = weights + (g * c._blocks + block) * blockBytes;
                byte* groupBase = _padded + g * c._cinPadded * c._element;
                int t0 = chunk * c._tilesPerChunk, t1 = Math.Min(c._tiles, t0 + c._tilesPerChunk);
                // The pixel walk (image, row, column) advances without a division per pixel.
                int col = t0 * pixelsPerTile, b = col / c._pixels, q = col % c._pixels, oy = q / p.OutW, ox = q % p.OutW;
                for (int t = t0; t < t1; t += TilesPerGroup)
                {
                    int tEnd = Math.Min(t1, t + TilesPerGroup), first = t * pixelsPerTile, b0 = b, q0 = q;
                    int last = Math.Min(c._columns, tEnd * pixelsPerTile);
                    for (int u = t; u < tEnd; u++)
                    {
                        int n = Math.Min(pixelsPerTile, c._columns - u * pixelsPerTile);
                        for (int i = 0; i < n; i++)
                        {
                            px[i] = groupBase + (long)b * c._imageBytes + ((long)oy * p.StrideH * c._paddedW + ox * p.StrideW) * c._pixelBytes;
                            if (++ox == p.OutW) { ox = 0; oy++; }
                            if (++q == c._pixels) { q = 0; oy = 0; b++; }
                        }
                        for (int i = n; i < pixelsPerTile; i++) px[i] = px[n - 1];
                        Int8ChannelMicroKernels.Run(c._path, px, offsets, c._steps, w, tile + (u - t) * pixelsPerTile * Block);
                    }
                    // The group's pixels are consecutive columns: stored 8 at a time (one 8-byte store a channel).
                    for (int s = first; s < last; s += StorePixels)
                    {
                        int n = Math.Min(StorePixels, last - s);
                        c.StoreTile(tile + (s - first) * Block, add, b0, q0, n, channel0, m0, _epilogue);
                        for (q0 += n; q0 >= c._pixels; q0 -= c._pixels) b0++;
                    }
                }
            }
        }
    }

    /// <summary>Stores the tile's <paramref name="n"/> pixels (from pixel <paramref name="q"/> of image <paramref name="b"/>) × the block's channels (lanes past the group's channels dropped).</summary>
    private void StoreTile(int* tile, int* add, int b, int q, int n, int channel0, int m0, in Int8Epilogue epilogue)
    {
        int cout = _p.OutChannels;
        var add0 = Avx.LoadVector256(add);
        var add1 = Avx.LoadVector256(add + 8);
        int lanes = Math.Min(Block, _coutG - m0);
        // 8 pixels of one image on AVX-512: the in-register store.
        if (n == 8 && _wide && lanes == Block && q + n <= _pixels
            && epilogue.TryStoreFused16x8(tile, Vector512.Create(add0, add1), channel0, (b * cout + channel0) * _pixels + q, _pixels))
            return;
        // The common case: 16 channels of n consecutive outputs of one image, transposed and stored n bytes a channel.
        if (lanes == Block && q + n <= _pixels && epilogue.TryStoreFused16(tile, n, add0, add1, channel0, (b * cout + channel0) * _pixels + q, _pixels, _wide))
            return;
        for (int i = 0; i < n; i++)
        {
            int index = (b * cout + channel0) * _pixels + q;
            if (++q == _pixels) { q = 0; b++; }
            int* sums = tile + i * Block;
            if (lanes == Block)
            {
                epilogue.StoreChannels8(Avx2.Add(Avx.LoadVector256(sums), add0), channel0, index, _pixels);
                epilogue.StoreChannels8(Avx2.Add(Avx.LoadVector256(sums + 8), add1), channel0 + 8, index + 8 * _pixels, _pixels);
                continue;
            }
            int j = 0;
            if (lanes >= 8)
            {
                epilogue.StoreChannels8(Avx2.Add(Avx.LoadVector256(sums), add0), channel0, index, _pixels);
                j = 8;
            }
            for (; j < lanes; j++) epilogue.Store(sums[j] + add[j], channel0 + j, index + j * _pixels);
        }
    }

    /// <summary>
    /// Image <paramref name="b"/> of the input into its padded channels-last copy: everything first set to the padding
    /// value (the input zero point, + 128 on VNNI), then the input written in (VNNI: 4 channels × 16 pixels
    /// interleaved by byte and word unpacks, + 128 as xor 0x80; AVX2: int16 one by one).
    /// </summary>
    private void CopyImage(byte* dst, sbyte* input, int b)
    {
        var p = _p;
        int cinG = p.InChannels / p.Groups, plane = p.Height * p.Width;
        bool vnni = _path == Int8SimdPath.AvxVnni;
        if (vnni) new Span<byte>(dst, _imageBytes).Fill((byte)(p.InputZeroPoint + 128));
        else new Span<short>(dst, _imageBytes / 2).Fill((short)p.InputZeroPoint);
        for (int g = 0; g < p.Groups; g++)
            for (int c4 = 0; c4 < cinG; c4 += vnni ? 4 : 1)
            {
                sbyte* src0 = input + (long)(b * p.InChannels + g * cinG + c4) * plane;
                byte* first = dst + ((long)p.PadH * _paddedW + p.PadW) * _pixelBytes + (g * _cinPadded + c4) * _element;
                if (vnni) CopyFour(first, src0, Math.Min(4, cinG - c4));
                else
                    for (int y = 0; y < p.Height; y++)
                        for (int x = 0; x < p.Width; x++) *(short*)(first + ((long)y * _paddedW + x) * _pixelBytes) = src0[y * p.Width + x];
            }
    }

    /// <summary>
    /// VNNI: <paramref name="valid"/> (≤ 4) channel planes from <paramref name="src0"/> into 4-byte slots from
    /// <paramref name="first"/>, 16 pixels a block (the last block overlapping the one before): along each row when rows
    /// have 16 pixels, else along the whole plane with each pixel's place from <c>_planeOffsets</c>.
    /// </summary>
    private void CopyFour(byte* first, sbyte* src0, int valid)
    {
        var p = _p;
        int plane = p.Height * p.Width;
        if (p.Width >= 16)
        {
            for (int y = 0; y < p.Height; y++)
            {
                byte* row = first + (long)y * _paddedW * _pixelBytes;
                for (int x0 = 0; x0 < p.Width; x0 += 16)
                {
                    x0 = Math.Min(x0, p.Width - 16);
                    var (v0, v1, v2, v3) = Interleave(src0 + y * p.Width + x0, plane, valid);
                    byte* o = row + x0 * _pixelBytes;
                    Scatter4(o, v0);
                    Scatter4(o + 4 * _pixelBytes, v1);
                    Scatter4(o + 8 * _pixelBytes, v2);
                    Scatter4(o + 12 * _pixelBytes, v3);
                }
            }
            return;
        }
        if (plane >= 16)
        {
            fixed (int* places = _planeOffsets)
                for (int i0 = 0; i0 < plane; i0 += 16)
                {
                    i0 = Math.Min(i0, plane - 16);
                    var (v0, v1, v2, v3) = Interleave(src0 + i0, plane, valid);
                    int* at = places + i0;
                    Place4(first, at, v0);
                    Place4(first, at + 4, v1);
                    Place4(first, at + 8, v2);
                    Place4(first, at + 12, v3);
                }
            return;
        }
        for (int y = 0; y < p.Height; y++)
            for (int x = 0; x < p.Width; x++)
                for (int u = 0; u < valid; u++)
                    first[((long)y * _paddedW + x) * _pixelBytes + u] = (byte)(src0[u * plane + y * p.Width + x] + 128);
    }

    /// <summary>16 pixels of 4 channel planes (missing ones the padding value) as u8 = x + 128, interleaved to 4 bytes a pixel.</summary>
    private (Vector128<uint>, Vector128<uint>, Vector128<uint>, Vector128<uint>) Interleave(sbyte* s0, int plane, int valid)
    {
        var flip = Vector128.Create((byte)0x80);
        var padV = Vector128.Create((byte)(_p.InputZeroPoint + 128));
        var a = Sse2.Xor(Sse2.LoadVector128((byte*)s0), flip);
        var bb = valid > 1 ? Sse2.Xor(Sse2.LoadVector128((byte*)(s0 + plane)), flip) : padV;
        var cc = valid > 2 ? Sse2.Xor(Sse2.LoadVector128((byte*)(s0 + 2 * plane)), flip) : padV;
        var dd = valid > 3 ? Sse2.Xor(Sse2.LoadVector128((byte*)(s0 + 3 * plane)), flip) : padV;
        var abLo = Sse2.UnpackLow(a, bb).AsUInt16();
        var abHi = Sse2.UnpackHigh(a, bb).AsUInt16();
        var cdLo = Sse2.UnpackLow(cc, dd).AsUInt16();
        var cdHi = Sse2.UnpackHigh(cc, dd).AsUInt16();
        return (Sse2.UnpackLow(abLo, cdLo).AsUInt32(), Sse2.UnpackHigh(abLo, cdLo).AsUInt32(),
            Sse2.UnpackLow(abHi, cdHi).AsUInt32(), Sse2.UnpackHigh(abHi, cdHi).AsUInt32());
    }

    /// <summary>Four pixels' 4 bytes to their places (byte offsets from <paramref name="first"/>).</summary>
    private static void Place4(byte* first, int* at, Vector128<uint> v)
    {
        *(uint*)(first + at[0]) = v.ToScalar();
        *(uint*)(first + at[1]) = Sse41.Extract(v, 1);
        *(uint*)(first + at[2]) = Sse41.Extract(v, 2);
        *(uint*)(first + at[3]) = Sse41.Extract(v, 3);
    }

    /// <summary>Four pixels' 4 bytes to consecutive pixels of the padded copy (one 16-byte store when pixels are 4 bytes).</summary>
    private void Scatter4(byte* o, Vector128<uint> v)
    {
        if (_pixelBytes == 4)
        {
            Sse2.Store(o, v.AsByte());
            return;
        }
        *(uint*)o = v.ToScalar();
        *(uint*)(o + _pixelBytes) = Sse41.Extract(v, 1);
        *(uint*)(o + 2 * _pixelBytes) = Sse41.Extract(v, 2);
        *(uint*)(o + 3 * _pixelBytes) = Sse41.Extract(v, 3);
    }
}
