using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GpuEngine.Kernels.Ops;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Int8 Linear (<see cref="Int8LinearKernels.Int8Linear"/>'s arguments) on the cpu: dot products over k, 32 at a
/// time, four output features per pass sharing each load of x. VNNI: weights packed as u8 = w + 128 and x read as it
/// is (s8), so Σ(w + 128)·x − 128·Σx; AVX2: both widened to int16, <c>vpmaddwd</c>. The k tail (in mod 32) is scalar.
/// Items are (batch row, block of 16 features). Same sums and store as the reference: bit-exact.
/// </summary>
public sealed unsafe class Int8SimdLinear : ICpuParallelBody
{
    private const int Block = 16;
    private readonly Int8LinearParams _p;
    private readonly Int8SimdPath _path;
    private readonly int _batch, _vectorK, _blocks;
    private readonly byte[] _weights;
    private readonly int _signedOffset;
    private sbyte* _input;
    private int* _bias;
    private Int8Epilogue _epilogue;

    /// <summary>Packs <paramref name="weight"/> (int8 [out, in]) for <paramref name="path"/>; <paramref name="batch"/> rows of x per run.</summary>
    public Int8SimdLinear(Int8LinearParams p, int batch, ReadOnlySpan<sbyte> weight, Int8SimdPath path) : this(p, batch, Pack(p, weight, path), path) { }

    /// <summary>A kernel over weights <see cref="Pack"/> made for the same params and path.</summary>
    public Int8SimdLinear(Int8LinearParams p, int batch, byte[] packed, Int8SimdPath path)
    {
        if (path == Int8SimdPath.None) throw new ArgumentException("no SIMD path", nameof(path));
        _p = p;
        _path = path;
        _batch = batch;
        _vectorK = p.InFeatures / 32 * 32;
        _blocks = (p.OutFeatures + Block - 1) / Block;
        _signedOffset = p.OutFeatures * _vectorK * Width(path);
        if (packed.Length != _signedOffset + p.OutFeatures * p.InFeatures) throw new ArgumentException("packed for another shape or path", nameof(packed));
        _weights = packed;
    }

    private static int Width(Int8SimdPath path) => path == Int8SimdPath.AvxVnni ? 1 : 2;

    /// <summary>
    /// The packed weights: the vector part of k per row (VNNI: u8 = w + 128; AVX2: int16), then the weights as given
    /// (the scalar tail reads them).
    /// </summary>
    public static byte[] Pack(in Int8LinearParams p, ReadOnlySpan<sbyte> weight, Int8SimdPath path)
    {
        int vectorK = p.InFeatures / 32 * 32, signedOffset = p.OutFeatures * vectorK * Width(path);
        var packed = GC.AllocateArray<byte>(signedOffset + p.OutFeatures * p.InFeatures, pinned: true);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(weight).CopyTo(packed.AsSpan(signedOffset));
        fixed (byte* w = packed)
            for (int o = 0; o < p.OutFeatures; o++)
                for (int k = 0; k < vectorK; k++)
                {
                    sbyte v = weight[o * p.InFeatures + k];
                    if (path == Int8SimdPath.AvxVnni) w[o * vectorK + k] = (byte)(v + 128);
                    else ((short*)w)[o * vectorK + k] = v;
                }
        return packed;
    }

    /// <summary><see cref="Run(sbyte*, int*, int*, int*, sbyte*, int*, int)"/> over spans (tests, callers without pointers).</summary>
    public void Run(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> bias, ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<sbyte> output, Span<int> accumulator, int mode)
    {
        fixed (sbyte* x = input, y = output)
        fixed (int* b = bias, m = multiplier, s = shift, a = accumulator)
            Run(x, b, m, s, y, a, mode);
    }

    /// <summary>x int8 [batch, in] into output int8 [batch, out] (Fused) or the int32 accumulator (AddSum modes).</summary>
    public void Run(sbyte* input, int* bias, int* multiplier, int* shift, sbyte* output, int* accumulator, int mode)
    {
        _input = input;
        _bias = bias;
        _epilogue = new Int8Epilogue(mode, multiplier, shift, output, accumulator, _p.OutputZeroPoint, _p.ClampMin, _p.ClampMax);
        Int8Jobs.Run(_batch * _blocks, this, (long)_batch * _p.OutFeatures * _p.InFeatures);
        _input = null;
        _bias = null;
    }

    void ICpuParallelBody.Run(int index)
    {
        int n = index / _blocks, o0 = index % _blocks * Block, o1 = Math.Min(_p.OutFeatures, o0 + Block), k = _p.InFeatures;
        sbyte* x = _input + (long)n * k;
        int* sums = stackalloc int[4];
        fixed (byte* weights = _weights)
            for (int o = o0; o < o1; o += 4)
            {
                int rows = Math.Min(4, o1 - o);
                if (_path == Int8SimdPath.AvxVnni) Vnni(x, weights + o * _vectorK, rows, sums);
                else Madd(x, (short*)weights + o * _vectorK, rows, sums);
                for (int r = 0; r < rows; r++)
                {
                    int sum = sums[r];
                    sbyte* w = (sbyte*)weights + _signedOffset + (long)(o + r) * k;
                    for (int i = _vectorK; i < k; i++) sum += x[i] * w[i];
                    _epilogue.Store(sum + (_p.HasBias != 0 ? _bias[o + r] : 0), o + r, n * _p.OutFeatures + o + r);
                }
            }
    }

    /// <summary>Σ over the vector part of k of x·w for <paramref name="rows"/> (≤ 4) rows of u8 weights w + 128.</summary>
    private void Vnni(sbyte* x, byte* w, int rows, int* sums)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, sx = default;
        var ones = Vector256.Create((byte)1);
        int stride = _vectorK;
        byte* w1 = rows > 1 ? w + stride : w, w2 = rows > 2 ? w + 2 * stride : w, w3 = rows > 3 ? w + 3 * stride : w;
        for (int k = 0; k < _vectorK; k += 32)
        {
            var v = Avx.LoadVector256(x + k);
            sx = AvxVnni.MultiplyWideningAndAdd(sx, ones, v);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Avx.LoadVector256(w + k), v);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Avx.LoadVector256(w1 + k), v);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Avx.LoadVector256(w2 + k), v);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Avx.LoadVector256(w3 + k), v);
        }
        int correction = 128 * Vector256.Sum(sx);
        sums[0] = Vector256.Sum(a0) - correction;
        sums[1] = Vector256.Sum(a1) - correction;
        sums[2] = Vector256.Sum(a2) - correction;
        sums[3] = Vector256.Sum(a3) - correction;
    }

    /// <summary>As <see cref="Vnni"/> with int16 weights and x widened by <c>vpmovsxbw</c>, 16 k per <c>vpmaddwd</c>.</summary>
    private void Madd(sbyte* x, short* w, int rows, int* sums)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        int stride = _vectorK;
        short* w1 = rows > 1 ? w + stride : w, w2 = rows > 2 ? w + 2 * stride : w, w3 = rows > 3 ? w + 3 * stride : w;
        for (int k = 0; k < _vectorK; k += 16)
        {
            var v = Avx2.ConvertToVector256Int16(x + k);
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(v, Avx.LoadVector256(w + k)));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(v, Avx.LoadVector256(w1 + k)));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(v, Avx.LoadVector256(w2 + k)));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(v, Avx.LoadVector256(w3 + k)));
        }
        sums[0] = Vector256.Sum(a0);
        sums[1] = Vector256.Sum(a1);
        sums[2] = Vector256.Sum(a2);
        sums[3] = Vector256.Sum(a3);
    }
}
