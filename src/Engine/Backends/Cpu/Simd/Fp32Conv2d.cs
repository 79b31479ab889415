using System.Runtime.Intrinsics;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// fp32 conv on the cpu as im2col + packed GEMM, NCHW in and out: per (conv group, image) C[m, pixel] = Σ_k W[m, k] ·
/// X[k, pixel]. A job is one block of <see cref="BlockRows"/> output channels × <see cref="BlockColumns"/> pixels; it
/// gathers X in slices of <see cref="SliceDepth"/> k into a per-thread buffer (zeros in the padding, so the
/// micro-kernel never tests bounds) and runs <see cref="Fp32Gemm.Tile{TS, TV}"/> over it, then adds the bias and applies
/// the activation. 1×1 convs and Linear-as-conv take the same path (their gather is a row copy).
/// </summary>
public sealed unsafe class Fp32Conv2d : CpuTacticRun
{
    /// <summary>Pixels per job (a multiple of every path's 2 · vector width).</summary>
    public const int BlockColumns = 128;

    /// <summary>Output channels per job (a multiple of the micro-tile's rows).</summary>
    public const int BlockRows = 8 * Fp32Gemm.Rows;

    /// <summary>k per gathered slice: slice × block columns floats stay in the core's L2.</summary>
    public const int SliceDepth = 256;

    [ThreadStatic] private static float[]? t_slice;
    [ThreadStatic] private static float[]? t_tile;

    private readonly Fp32Conv2dShape _shape;
    private readonly float[] _packed;
    private readonly float* _input, _bias, _output;
    private readonly int _columnBlocks, _rowBlocks, _panels;
    private readonly object[] _keep;
    private SimdLevel _level;

    /// <summary>
    /// A conv over pinned memory: <paramref name="packed"/> from <see cref="Pack"/>; <paramref name="bias"/> read only
    /// when the shape has one. <paramref name="keep"/> holds the arrays behind the pointers.
    /// </summary>
    public Fp32Conv2d(Fp32Conv2dShape shape, float[] packed, float* input, float* bias, float* output, object[] keep)
    {
        _shape = shape;
        _packed = packed;
        _input = input;
        _bias = bias;
        _output = output;
        _keep = keep;
        _columnBlocks = (shape.Pixels + BlockColumns - 1) / BlockColumns;
        _rowBlocks = (shape.RowsPerGroup + BlockRows - 1) / BlockRows;
        _panels = (shape.RowsPerGroup + Fp32Gemm.Rows - 1) / Fp32Gemm.Rows;
    }

    /// <summary>The packed weights of <paramref name="shape"/> (W [cout, cin / groups, kh, kw] as given).</summary>
    public static float[] Pack(Fp32Conv2dShape shape, ReadOnlySpan<float> weight) =>
        Fp32Gemm.PackPanels(weight, shape.Groups, shape.RowsPerGroup, shape.Depth);

    private int Jobs => _shape.Groups * _shape.Batch * _columnBlocks * _rowBlocks;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(_keep);
        RunJobs(Jobs, (long)_shape.Batch * _shape.OutChannels * _shape.Pixels * _shape.Depth);
    }

    public override void Run(int index)
    {
        switch (_level)
        {
            case SimdLevel.Vector512: Job<Simd512, Vector512<float>>(index); break;
            case SimdLevel.Vector256: Job<Simd256, Vector256<float>>(index); break;
            case SimdLevel.Vector128: Job<Simd128, Vector128<float>>(index); break;
            default: Job<SimdScalar, float>(index); break;
        }
    }

    private void Job<TS, TV>(int index) where TS : ISimd<TV> where TV : struct
    {
        var s = _shape;
        int tileColumns = 2 * TS.Width;
        int rowBlock = index % _rowBlocks, rest = index / _rowBlocks;
        int columnBlock = rest % _columnBlocks;
        rest /= _columnBlocks;
        int image = rest % s.Batch, group = rest / s.Batch;
        int pixels = s.Pixels, rows = s.RowsPerGroup, depth = s.Depth;
        int n0 = columnBlock * BlockColumns, columns = Math.Min(BlockColumns, pixels - n0);
        int padded = (columns + tileColumns - 1) / tileColumns * tileColumns;
        int m0 = rowBlock * BlockRows, mEnd = Math.Min(rows, m0 + BlockRows);
        float* output = _output + ((long)image * s.OutChannels + (long)group * rows) * pixels + n0;

        t_slice ??= PackedWeights.Pinned<float>(SliceDepth * BlockColumns);
        t_tile ??= PackedWeights.Pinned<float>(Fp32Gemm.Rows * 32);
        fixed (float* slice = t_slice, tile = t_tile, packedBase = _packed)
        {
            for (int k0 = 0; k0 < depth; k0 += SliceDepth)
            {
                int kc = Math.Min(SliceDepth, depth - k0);
                Gather(slice, image, group, k0, kc, n0, columns, padded);
                bool accumulate = k0 > 0;
                for (int m = m0; m < mEnd; m += Fp32Gemm.Rows)
                {
                    int tileRows = Math.Min(Fp32Gemm.Rows, mEnd - m);
                    float* w = packedBase + ((long)(group * _panels + m / Fp32Gemm.Rows) * depth + k0) * Fp32Gemm.Rows;
                    for (int j = 0; j < padded; j += tileColumns)
                    {
                        float* c = output + (long)m * pixels + j;
                        int tileCols = Math.Min(tileColumns, columns - j);
                        if (tileRows == Fp32Gemm.Rows && tileCols == tileColumns)
                        {
                            Fp32Gemm.Tile<TS, TV>(w, slice + j, padded, kc, c, pixels, accumulate);
                            continue;
                        }
                        // An edge tile: computed whole in scratch, only its valid part copied.
                        for (int r = 0; r < Fp32Gemm.Rows; r++)
                            for (int q = 0; q < tileColumns; q++)
                                tile[r * tileColumns + q] = accumulate && r < tileRows && q < tileCols ? c[(long)r * pixels + q] : 0f;
                        Fp32Gemm.Tile<TS, TV>(w, slice + j, padded, kc, tile, tileColumns, accumulate);
                        for (int r = 0; r < tileRows; r++)
                            for (int q = 0; q < tileCols; q++) c[(long)r * pixels + q] = tile[r * tileColumns + q];
                    }
                }
            }
        }
        for (int m = m0; m < mEnd; m++)
        {
            float bias = s.HasBias ? _bias[group * rows + m] : 0f;
            SimdActivation.Epilogue<TS, TV>(output + (long)m * pixels, columns, bias, s.Activation);
        }
    }

    /// <summary>
    /// X[k0 .. k0 + kc, n0 .. n0 + columns] of image <paramref name="image"/>, group <paramref name="group"/> into
    /// <paramref name="slice"/> (row stride <paramref name="padded"/>; zeros in the padding and past the columns).
    /// Walks one output row at a time, so stride-1 rows are a copy between two zero runs.
    /// </summary>
    private void Gather(float* slice, int image, int group, int k0, int kc, int n0, int columns, int padded)
    {
        var s = _shape;
        int taps = s.KernelH * s.KernelW;
        for (int kk = 0; kk < kc; kk++)
        {
            int k = k0 + kk, ci = k / taps, ky = k % taps / s.KernelW, kx = k % s.KernelW;
            float* plane = _input + ((long)image * s.InChannels + (long)group * s.InPerGroup + ci) * s.Height * s.Width;
            float* dst = slice + (long)kk * padded;
            int oy = n0 / s.OutW, ox = n0 % s.OutW;
            for (int j = 0; j < columns; oy++, ox = 0)
            {
                int run = Math.Min(s.OutW - ox, columns - j);
                int iy = oy * s.StrideH - s.PadH + ky * s.DilationH;
                int ix0 = ox * s.StrideW - s.PadW + kx * s.DilationW;
                float* d = dst + j;
                if ((uint)iy >= (uint)s.Height) new Span<float>(d, run).Clear();
                else if (s.StrideW == 1)
                {
                    int lo = Math.Clamp(-ix0, 0, run), hi = Math.Clamp(s.Width - ix0, lo, run);
                    new Span<float>(d, lo).Clear();
                    new ReadOnlySpan<float>(plane + (long)iy * s.Width + ix0 + lo, hi - lo).CopyTo(new Span<float>(d + lo, hi - lo));
                    new Span<float>(d + hi, run - hi).Clear();
                }
                else
                {
                    float* row = plane + (long)iy * s.Width;
                    for (int t = 0, ix = ix0; t < run; t++, ix += s.StrideW) d[t] = (uint)ix < (uint)s.Width ? row[ix] : 0f;
                }
                j += run;
            }
            new Span<float>(dst + columns, padded - columns).Clear();
        }
    }
}
