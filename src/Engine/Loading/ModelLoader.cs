using GpuEngine.Ir;
using GpuEngine.Zoo;

namespace GpuEngine.Loading;

/// <summary>
/// Turns what the user typed after --model into a graph: a zoo name (see <see cref="ModelZoo"/>)
/// or an .onnx model file (imported with its initializers as weights). Every verb resolves models here, so they all accept the same things.
/// </summary>
public static class ModelLoader
{
    /// <param name="model">A zoo name (repvgg-a0, mobilenet_v2) or a path to a model file.</param>
    /// <param name="input">The input shape (NCHW); null for the model's usual input.</param>
    /// <param name="classes">The class count; null for the model's usual count.</param>
    public static Graph Load(string model, TensorShape? input = null, int? classes = null)
    {
        if (ModelZoo.Find(model) is not null) return ModelZoo.Create(model, input, classes);
        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            // A file fixes its own classifier; --input may still resize (a file's symbolic or fixed dimensions).
            if (classes is not null) throw new GpuEngineException($"--classes applies to zoo models; '{model}' has its own classifier");
            return Onnx.OnnxFile.Load(model, input);
        }
        if (File.Exists(model))
            throw new GpuEngineException($"'{model}': only .onnx model files are read; weights (.safetensors) go with a zoo name via --weights");
        return ModelZoo.Create(model, input, classes); // names the unknown model
    }
}
