using System.Diagnostics;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Hundreds of truncated and bit-flipped files per format, from fixed seeds: each must load or throw
/// <see cref="GpuEngineException"/> — never another exception, a hang or a huge allocation.
/// </summary>
public class CorruptionFuzzTests
{
    private const int Cases = 400;

    private static readonly Lazy<Ir.Graph> Model = new(() =>
        WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 32, 32), 4), 9));

    [Fact]
    public void Corrupt_onnx_files_give_named_errors()
    {
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.Export(Model.Value));
        Fuzz(bytes, 1, data => OnnxImporter.Import(OnnxFile.Parse(data, "fuzz.onnx"), "fuzz.onnx", null));
    }

    [Theory]
    [InlineData(SafetensorsFloat.F32, 2)]
    [InlineData(SafetensorsFloat.F16, 5)]
    [InlineData(SafetensorsFloat.BF16, 6)]
    public void Corrupt_safetensors_files_give_named_errors(SafetensorsFloat floats, int seed)
    {
        var g = Model.Value;
        var bytes = SafetensorsFile.Encode(g.Weights.OrderBy(kv => kv.Key), floats: floats);
        Fuzz(bytes, seed, data => WeightFile.Apply(ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 32, 32), 4), SafetensorsFile.Parse(data, "fuzz.safetensors"), "fuzz.safetensors"));
    }

    [Fact]
    public void Corrupt_npy_files_give_named_errors()
    {
        var t = Tensor.FromFloats(new TensorShape(2, 3, 8, 8), new float[384]);
        Fuzz(NpyFile.Encode(t), 3, data => NpyFile.Parse(data, "fuzz.npy"));
        var i8 = new Tensor(new TensorShape(5, 7), DataType.Int8, new sbyte[35]);
        Fuzz(NpyFile.Encode(i8), 4, data => NpyFile.Parse(data, "fuzz.npy"));
    }

    /// <summary>Half the cases truncate at a random point, half flip 1-16 random bytes (a third of those in the first 64 bytes, where headers live).</summary>
    private static void Fuzz(byte[] original, int seed, Action<byte[]> load)
    {
        var rng = new Random(seed);
        var clock = Stopwatch.StartNew();
        int errors = 0;
        for (int i = 0; i < Cases; i++)
        {
            byte[] data;
            if (i % 2 == 0)
            {
                data = original[..rng.Next(original.Length)];
            }
            else
            {
                data = (byte[])original.Clone();
                int flips = rng.Next(1, 17);
                for (int f = 0; f < flips; f++)
                {
                    int at = rng.Next(3) == 0 ? rng.Next(Math.Min(64, data.Length)) : rng.Next(data.Length);
                    data[at] ^= (byte)rng.Next(1, 256);
                }
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load(data);
            }
            catch (GpuEngineException e)
            {
                Assert.Contains("fuzz.", e.Message);
                errors++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} (seed {seed}): {e.GetType().Name}: {e.Message}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64L * original.Length + (64 << 20), $"case {i} (seed {seed}) allocated {allocated} bytes for a {data.Length}-byte file");
        }
        Assert.True(errors > Cases / 2, $"only {errors} of {Cases} corruptions were detected");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{Cases} cases took {clock.Elapsed}");
    }
}
