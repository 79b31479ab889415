using GpuEngine.Ir;
using GpuEngine.Zoo;

namespace GpuEngine.Loading;

/// <summary>
/// Turns what the user typed after --model into a graph: a zoo name (see <see cref="ModelZoo"/>)
/// or a model file. Every verb resolves models here, so they all accept the same things.
/// </summary>
public static class ModelLoader
{
    /// <param name="model">A zoo name (repvgg-a0, mobilenet_v2) or a path to a model file.</param>
    /// <param name="input">The input shape (NCHW); null for the model's usual input.</param>
    /// <param name="classes">The class count; null for the model's usual count.</param>
    public static Graph Load(string model, TensorShape? input = null, int? classes = null)
    {
        if (ModelZoo.Find(model) is not null) return ModelZoo.Create(model, input, classes);
        if (File.Exists(model))
            throw new GpuEngineException($"'{model}': model files are not supported yet; give a zoo name ('gpuengine models' lists them)");
        return ModelZoo.Create(model, input, classes); // names the unknown model
    }
}
