using GpuEngine.Ir;

namespace GpuEngine.Zoo;

/// <summary>A model the zoo can build, with the input and class count it is usually run at.</summary>
/// <param name="Name">The name users type: repvgg-a0, repvgg-a0-train, vgg16_bn, mobilenet_v2.</param>
/// <param name="Build">Builds the graph for an input shape (NCHW) and a class count.</param>
public sealed record ZooModel(string Name, string Family, string Description, TensorShape DefaultInput, int DefaultClasses,
    Func<TensorShape, int, Graph> Build);

/// <summary>
/// The built-in models. Layer names follow the reference implementations' module paths
/// (the RepVGG repository, torchvision), so weights and reports map one to one.
/// </summary>
public static class ModelZoo
{
    private static readonly Lazy<IReadOnlyList<ZooModel>> _all = new(() => [.. RepVgg.Models(), .. Vgg.Models(), .. MobileNetV2.Models()]);

    public static IReadOnlyList<ZooModel> All => _all.Value;

    /// <summary>Looks a model up by name (case and '-' vs '_' do not matter), or returns null.</summary>
    public static ZooModel? Find(string name)
    {
        var key = Normalize(name);
        return All.FirstOrDefault(m => Normalize(m.Name) == key);
    }

    /// <summary>
    /// Builds a zoo model. <paramref name="input"/> defaults to the model's usual input, batch 1;
    /// <paramref name="classes"/> to its usual class count.
    /// </summary>
    public static Graph Create(string name, TensorShape? input = null, int? classes = null)
    {
        var model = Find(name) ?? throw new GpuEngineException(
            $"unknown model '{name}'; 'gpuengine models' lists the zoo, or give a model file (.onnx)");
        var shape = input ?? model.DefaultInput;
        if (shape.Rank != 4)
            throw new GpuEngineException($"model '{model.Name}' takes an NCHW input like 1x3x224x224, got {shape}");
        if (shape.C != 3)
            throw new GpuEngineException($"model '{model.Name}' takes 3 input channels, got {shape} with {shape.C}");
        int k = classes ?? model.DefaultClasses;
        if (k <= 0) throw new GpuEngineException($"--classes must be positive, got {k}");
        return model.Build(shape, k);
    }

    private static string Normalize(string name) => name.Trim().ToLowerInvariant().Replace('_', '-');
}
