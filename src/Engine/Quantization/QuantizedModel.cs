using GpuEngine.Ir;
using GpuEngine.Loading;

namespace GpuEngine.Quantization;

/// <summary>
/// An int8 Conv2d or Linear, or with no weight a global average pool or an Add: what the kernels read. The real rescale
/// factors inputScale·weightScale[c]/outputScale (global pool: inputScale/(outputScale·pixels); Add: its inputs' and its sum's,
/// <see cref="QuantMath.AddRescales"/>) are carried as <see cref="Multipliers"/>/<see cref="Shifts"/>;
/// <see cref="ClampMin"/>/<see cref="ClampMax"/> are the fused activation. Max and adaptive pools need none (they keep their input's scale).
/// </summary>
public sealed record QuantizedLayer(string Node, Tensor? Weight, Tensor? Bias, float[] WeightScales, int[] Multipliers, int[] Shifts,
    int ClampMin, int ClampMax);

/// <summary>
/// A post-training int8 quantization of one execution graph (deploy form, after BatchNorm folding and activation fusion):
/// a symmetric per-tensor scale for every activation (zero point 0), and the int8 layers by node name.
/// Saved as safetensors whose tensor names say what each is (see <see cref="Save"/>).
/// <para>
/// The scales hold for the input shape the model was calibrated at (<see cref="InputShape"/>, kept in the file): a global
/// average pool's rescale divides by its pixel count, and every activation range was measured at that size, so a session
/// at another height or width is refused (<see cref="CheckInput"/>). The batch may differ: every scale is per sample.
/// Files written before the shape was recorded load with <see cref="InputShape"/> null and are not checked (the command
/// line warns).
/// </para>
/// </summary>
public sealed class QuantizedModel(string graph, string calibration, IReadOnlyDictionary<string, float> activationScales,
    IReadOnlyDictionary<string, QuantizedLayer> layers, TensorShape? inputShape = null)
{
    /// <summary>Format tag in the file's metadata; a file without it is not a quantized model.</summary>
    public const string Format = "gpuengine-int8-v1";

    public string Graph { get; } = graph;

    /// <summary>How the activation ranges were calibrated, in words (printed by the verbs, kept in the file).</summary>
    public string Calibration { get; } = calibration;

    /// <summary>Symmetric int8 scale of every activation tensor by name: real value = q · scale.</summary>
    public IReadOnlyDictionary<string, float> ActivationScales { get; } = activationScales;

    public IReadOnlyDictionary<string, QuantizedLayer> Layers { get; } = layers;

    /// <summary>The graph input shape the scales were calibrated for; null in files written before it was recorded.</summary>
    public TensorShape? InputShape { get; } = inputShape;

    /// <summary>
    /// Refuses a session input of another rank, channel count or spatial size than <see cref="InputShape"/> (the batch may
    /// differ); does nothing where the file records no shape.
    /// </summary>
    public void CheckInput(TensorShape input)
    {
        if (InputShape is not { } calibrated) return;
        bool sameSample = calibrated.Rank == input.Rank && calibrated.Dims.Skip(1).SequenceEqual(input.Dims.Skip(1));
        if (!sameSample)
            throw new ShapeMismatchException($"the int8 model of '{Graph}' was calibrated for input {calibrated}; this input is {input} "
                + $"(its scales hold for samples of {string.Join('x', calibrated.Dims.Skip(1))} only): quantize again at this size");
    }

    public float Scale(string tensor) => ActivationScales.TryGetValue(tensor, out var s)
        ? s
        : throw new GpuEngineException($"quantized model of '{Graph}' has no activation scale for tensor '{tensor}' (quantized for another graph?)");

    public QuantizedLayer Layer(Node node) => Layers.TryGetValue(node.Name, out var l)
        ? l
        : throw new GpuEngineException($"{node.Op.TypeName} '{node.Name}': the quantized model of '{Graph}' has no int8 layer for it (quantized for another graph?)");

    /// <summary>
    /// Writes NODE.weight_int8 (I8), NODE.bias_int32 (I32), NODE.weight_scale (F32 per output channel),
    /// NODE.requant_multiplier and NODE.requant_shift (I32 per channel), NODE.requant_clamp (I32 [min, max]),
    /// TENSOR.activation_scale (F32 [1]); metadata: format, graph, calibration, input_shape.
    /// </summary>
    public void Save(string path, bool overwrite = false)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, scale) in ActivationScales.OrderBy(p => p.Key, StringComparer.Ordinal))
            tensors.Add(new($"{name}.activation_scale", Floats([scale])));
        foreach (var layer in Layers.Values.OrderBy(l => l.Node, StringComparer.Ordinal))
        {
            if (layer.Weight is not null) tensors.Add(new($"{layer.Node}.weight_int8", layer.Weight));
            if (layer.Bias is not null) tensors.Add(new($"{layer.Node}.bias_int32", layer.Bias));
            if (layer.WeightScales.Length > 0) tensors.Add(new($"{layer.Node}.weight_scale", Floats(layer.WeightScales)));
            tensors.Add(new($"{layer.Node}.requant_multiplier", Ints(layer.Multipliers)));
            tensors.Add(new($"{layer.Node}.requant_shift", Ints(layer.Shifts)));
            tensors.Add(new($"{layer.Node}.requant_clamp", Ints([layer.ClampMin, layer.ClampMax])));
        }
        var metadata = new Dictionary<string, string> { ["format"] = Format, ["graph"] = Graph, ["calibration"] = Calibration };
        if (InputShape is { } shape) metadata["input_shape"] = shape.ToString();
        SafetensorsFile.Write(path, tensors, metadata, overwrite);
    }

    /// <summary>Reads a file written by <see cref="Save"/>; errors name the file and the missing piece.</summary>
    public static QuantizedModel Load(string path)
    {
        var metadata = SafetensorsFile.ReadMetadata(path);
        if (!metadata.TryGetValue("format", out var format) || format != Format)
            throw new GpuEngineException($"'{path}' is not a quantized model (metadata format is not '{Format}'; write one with 'gpuengine quantize')");
        var tensors = SafetensorsFile.Read(path).ToDictionary(p => p.Key, p => p.Value);
        var scales = new Dictionary<string, float>();
        var layers = new Dictionary<string, QuantizedLayer>();
        foreach (var (name, tensor) in tensors)
        {
            if (name.EndsWith(".activation_scale", StringComparison.Ordinal)) scales[name[..^".activation_scale".Length]] = tensor.Floats[0];
        }
        foreach (var name in tensors.Keys.Where(k => k.EndsWith(".requant_multiplier", StringComparison.Ordinal)))
        {
            var node = name[..^".requant_multiplier".Length];
            Tensor Need(string suffix) => tensors.TryGetValue(node + suffix, out var t) ? t
                : throw new GpuEngineException($"'{path}': layer '{node}' has no '{node}{suffix}'");
            var clamp = Need(".requant_clamp").AsSpan<int>();
            layers[node] = new QuantizedLayer(node, tensors.GetValueOrDefault(node + ".weight_int8"), tensors.GetValueOrDefault(node + ".bias_int32"),
                tensors.TryGetValue(node + ".weight_scale", out var ws) ? ws.Floats : [], Need(".requant_multiplier").AsSpan<int>().ToArray(), Need(".requant_shift").AsSpan<int>().ToArray(),
                clamp[0], clamp[1]);
        }
        TensorShape? input = null;
        if (metadata.TryGetValue("input_shape", out var recorded))
        {
            try
            {
                input = TensorShape.Parse(recorded);
            }
            catch (GpuEngineException e)
            {
                throw new GpuEngineException($"'{path}': metadata input_shape '{recorded}' is not a shape ({e.Message})", e);
            }
        }
        return new QuantizedModel(metadata.GetValueOrDefault("graph", "?"), metadata.GetValueOrDefault("calibration", "unknown"), scales, layers, input);
    }

    private static Tensor Floats(float[] values) => Tensor.FromFloats(new TensorShape(values.Length), values);

    private static Tensor Ints(int[] values) => new(new TensorShape(values.Length), DataType.Int32, values);
}
