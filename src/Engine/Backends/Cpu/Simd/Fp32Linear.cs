using System.Runtime.Intrinsics;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// Linear on the cpu: y[b, o] = act(Σ_i x[b, i] · W[o, i] + bias[o]), one job per block of <see cref="BlockRows"/>
/// outputs; each row of W (row-major, as given: already the best layout for a dot product) is read once per block and
/// reused by every sample from the cache. Four vector accumulators per dot hide the FMA latency.
/// </summary>
public sealed unsafe class Fp32Linear(int batch, int inFeatures, int outFeatures, bool hasBias, int activation,
    float* input, float* weight, float* bias, float* output, object[] keep) : CpuTacticRun
{
    /// <summary>Outputs per job.</summary>
    public const int BlockRows = 16;

    private SimdLevel _level;

    public override void Execute()
    {
        _level = CpuSimd.Level;
        GC.KeepAlive(keep);
        RunJobs((outFeatures + BlockRows - 1) / BlockRows, (long)batch * inFeatures * outFeatures);
    }

    public override void Run(int index)
    {
        switch (_level)
        {
            case SimdLevel.Vector512: Block<Simd512, Vector512<float>>(index); break;
            case SimdLevel.Vector256: Block<Simd256, Vector256<float>>(index); break;
            case SimdLevel.Vector128: Block<Simd128, Vector128<float>>(index); break;
            default: Block<SimdScalar, float>(index); break;
        }
    }

    private void Block<TS, TV>(int block) where TS : ISimd<TV> where TV : struct
    {
        int end = Math.Min(outFeatures, (block + 1) * BlockRows);
        for (int o = block * BlockRows; o < end; o++)
        {
            float* w = weight + (long)o * inFeatures;
            float b = hasBias ? bias[o] : 0f;
            for (int n = 0; n < batch; n++)
            {
                float sum = Dot<TS, TV>(input + (long)n * inFeatures, w, inFeatures) + b;
                output[(long)n * outFeatures + o] = GpuEngine.Kernels.Ops.FusedActivation.Apply(sum, activation);
            }
        }
    }

    private static float Dot<TS, TV>(float* x, float* w, int count) where TS : ISimd<TV> where TV : struct
    {
        int width = TS.Width, i = 0;
        TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
        for (; i + 4 * width <= count; i += 4 * width)
        {
            a0 = TS.Fma(TS.Load(x + i), TS.Load(w + i), a0);
            a1 = TS.Fma(TS.Load(x + i + width), TS.Load(w + i + width), a1);
            a2 = TS.Fma(TS.Load(x + i + 2 * width), TS.Load(w + i + 2 * width), a2);
            a3 = TS.Fma(TS.Load(x + i + 3 * width), TS.Load(w + i + 3 * width), a3);
        }
        for (; i + width <= count; i += width) a0 = TS.Fma(TS.Load(x + i), TS.Load(w + i), a0);
        float sum = TS.Sum(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)));
        for (; i < count; i++) sum = MathF.FusedMultiplyAdd(x[i], w[i], sum);
        return sum;
    }
}
