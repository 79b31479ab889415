using CommandLine;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine export</c>: writes a model with weights as ONNX (fp32, opset 13) or its weights as safetensors,
/// chosen by the output's extension. Weights come from <c>--weights</c>, else the model file's own, else
/// deterministic random ones from <c>--seed</c> (<see cref="WeightInitializer"/>).
/// </summary>
[Verb("export", HelpText = "Export a model to ONNX (--out FILE.onnx) or its weights to safetensors (--out FILE.safetensors).")]
public sealed class ExportVerb : ModelOptions, ICommand
{
    [Option('o', "out", HelpText = "Output file: .onnx (model with weights) or .safetensors (weights only).")]
    public string? Out { get; set; }

    [Option('w', "weights", HelpText = "safetensors checkpoint to export (official RepVGG, timm or torchvision names; detected).")]
    public string? Weights { get; set; }

    [Option("names", Default = "official", HelpText = "Names written to .safetensors: official (zoo, RepVGG repository, torchvision) or timm.")]
    public string Names { get; set; } = "official";

    public int Execute(CommandContext context)
    {
        string target = Out ?? Output ?? throw new GpuEngineException("export needs --out FILE.onnx or --out FILE.safetensors");
        string ext = Path.GetExtension(target).ToLowerInvariant();
        if (ext is not (".onnx" or ".safetensors"))
            throw new GpuEngineException($"--out '{target}': write .onnx (a model) or .safetensors (weights)");
        var map = WeightNameMaps.Find(Names);
        var graph = LoadGraph();
        if (Weights is not null) graph = WeightFile.Load(graph, Weights);
        else if (graph.Weights.Count == 0) graph = WeightInitializer.Initialize(graph, unchecked((ulong)Seed));

        if (ext == ".onnx") OnnxFile.Save(graph, target, Force);
        else WeightFile.Save(graph, target, map, Force);
        long bytes = new FileInfo(target).Length;
        context.Out.WriteLine($"wrote {target} ({graph.Name}, input {graph.Inputs[0].Shape}, {graph.ParameterCount:N0} parameters, {bytes:N0} bytes)");
        return 0;
    }
}
