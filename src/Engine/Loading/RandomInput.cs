using GpuEngine.Ir;

namespace GpuEngine.Loading;

/// <summary>
/// Random model inputs for <c>--input SHAPE --seed N</c>: uniform in [-1, 1), from SplitMix64 so the same seed gives the
/// same input on every machine and .NET version.
/// </summary>
public static class RandomInput
{
    public static Tensor Uniform(TensorShape shape, int seed)
    {
        if (shape.Elements > Array.MaxLength)
            throw new GpuEngineException($"input {shape} has {shape.Elements:N0} elements; one host tensor holds at most {Array.MaxLength:N0}");
        ulong state = 0x9E3779B97F4A7C15UL * (ulong)(uint)seed + 0xD1B54A32D192ED03UL;
        var data = new float[shape.Elements];
        for (int i = 0; i < data.Length; i++)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            data[i] = (float)((z >> 40) * (2.0 / (1UL << 24)) - 1.0);
        }
        return Tensor.FromFloats(shape, data);
    }
}
