using System.Text;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Profiling.Validation;
using GpuEngine.Zoo;

namespace GpuEngine.Fuzzing;

/// <summary>
/// The readers under fuzzing, one per format, each fed raw bytes as a file would give them. Shared by the afl++
/// harness (fuzz/GpuEngine.Fuzz) and the in-process mutation tests, so both exercise exactly the same code.
/// A clean rejection is a <see cref="GpuEngineException"/> (its subclasses included); anything else is a crash.
/// </summary>
public static class ReaderTargets
{
    /// <summary>The format names: the harness's argument and the folder names under tests/GpuEngine.Tests/Data/fuzz.</summary>
    public static readonly string[] Formats = ["onnx", "safetensors", "npy", "markdown"];

    /// <summary>The tiny model whose weights the safetensors target applies (built once: Apply does not change it).</summary>
    public static readonly Lazy<Graph> WeightModel = new(() => ModelZoo.Create("repvgg-n1-train", new TensorShape(1, 3, 8, 8), 4));

    /// <summary>Reads <paramref name="data"/> as <paramref name="format"/>; returns normally or throws.</summary>
    public static void Read(string format, byte[] data)
    {
        switch (format)
        {
            case "onnx":
                OnnxFile.Import(OnnxFile.Parse(data, "fuzz.onnx"), "fuzz.onnx");
                break;
            case "safetensors":
                WeightFile.Apply(WeightModel.Value, SafetensorsFile.Parse(data, "fuzz.safetensors"), "fuzz.safetensors");
                break;
            case "npy":
                NpyFile.Parse(data, "fuzz.npy");
                break;
            case "markdown":
                SeedValidator.ValidateText(Encoding.UTF8.GetString(data), "fuzz.md", new ValidationOptions());
                break;
            default:
                throw new ArgumentException($"unknown fuzz target '{format}' (targets: {string.Join(", ", Formats)})", nameof(format));
        }
    }

    /// <summary>True when <paramref name="error"/> is the engine's own one-line rejection of bad data.</summary>
    public static bool IsCleanError(Exception error) => error is GpuEngineException && !error.Message.Contains('\n');

    /// <summary>Small valid inputs made by the engine itself: the seeds of both fuzzers.</summary>
    public static IReadOnlyList<byte[]> Seeds(string format, string seedTableFolder) => format switch
    {
        "onnx" => [Google.Protobuf.MessageExtensions.ToByteArray(OnnxFile.Export(
            WeightInitializer.Initialize(ModelZoo.Create("repvgg-n1", new TensorShape(1, 3, 8, 8), 4), 3)))],
        "safetensors" => [
            SafetensorsFile.Encode(WeightInitializer.Initialize(WeightModel.Value, 4).Weights.OrderBy(kv => kv.Key)),
            SafetensorsFile.Encode(WeightInitializer.Initialize(WeightModel.Value, 5).Weights.OrderBy(kv => kv.Key), floats: SafetensorsFloat.F16)],
        "npy" => [
            NpyFile.Encode(Tensor.FromFloats(new TensorShape(1, 3, 4, 4), Enumerable.Range(0, 48).Select(i => i * 0.25f).ToArray())),
            NpyFile.Encode(new Tensor(new TensorShape(5, 7), DataType.Int8, new sbyte[35]))],
        "markdown" => [.. Directory.GetFiles(seedTableFolder, "*.md").Order().Select(File.ReadAllBytes)],
        _ => throw new ArgumentException($"unknown fuzz target '{format}'", nameof(format)),
    };
}
