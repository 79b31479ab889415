using CommandLine;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;
using GpuEngine.Zoo;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine export</c>: writes a model with weights as ONNX (fp32, opset 13) or its weights as safetensors,
/// chosen by the output's extension. Weights come from <c>--weights</c>, else from <c>--seed</c> (deterministic random).
/// </summary>
[Verb("export", HelpText = "Export a model to ONNX (.onnx) or its weights to safetensors (.safetensors).")]
public sealed class ExportVerb : ICommand
{
    [Option('m', "model", Required = true, HelpText = "Zoo model name (see 'gpuengine models') or an .onnx file.")]
    public string Model { get; set; } = "";

    [Option('i', "input", HelpText = "Input shape NCHW, e.g. 1x3x224x224 (default: the model's own).")]
    public string? Input { get; set; }

    [Option('c', "classes", HelpText = "Number of classes (default: the model's own).")]
    public int? Classes { get; set; }

    [Option('w', "weights", HelpText = "safetensors checkpoint (official RepVGG, timm or torchvision names).")]
    public string? Weights { get; set; }

    [Option("seed", Default = 0UL, HelpText = "Seed for deterministic random weights when no --weights is given.")]
    public ulong Seed { get; set; }

    [Option('o', "out", Required = true, HelpText = "Output file: .onnx (model) or .safetensors (weights).")]
    public string Out { get; set; } = "";

    [Option("names", Default = "official", HelpText = "Weight names written to .safetensors: official (zoo/RepVGG/torchvision) or timm.")]
    public string Names { get; set; } = "official";

    [Option('f', "force", HelpText = "Replace the output file if it exists.")]
    public bool Force { get; set; }

    public int Execute(CommandContext context)
    {
        TensorShape? input = Input is null ? null : TensorShape.Parse(Input);
        var graph = Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? OnnxFile.Load(Model, input)
            : ModelZoo.Create(Model, input, Classes);
        if (Weights is not null) graph = WeightFile.Load(graph, Weights);
        else if (graph.Weights.Count == 0) graph = WeightInitializer.Initialize(graph, Seed);

        string ext = Path.GetExtension(Out).ToLowerInvariant();
        switch (ext)
        {
            case ".onnx":
                OnnxFile.Save(graph, Out, Force);
                break;
            case ".safetensors":
                WeightFile.Save(graph, Out, WeightNameMaps.Find(Names), Force);
                break;
            default:
                throw new GpuEngineException($"--out '{Out}': write .onnx (a model) or .safetensors (weights)");
        }
        long bytes = new FileInfo(Out).Length;
        context.Out.WriteLine($"wrote {Out} ({graph.Name}, input {graph.Inputs[0].Shape}, {graph.ParameterCount:N0} parameters, {bytes:N0} bytes)");
        return 0;
    }
}
