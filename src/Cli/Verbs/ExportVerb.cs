using CommandLine;
using GpuEngine.Loading;
using GpuEngine.Loading.Onnx;

namespace GpuEngine.Cli.Verbs;

/// <summary>
/// <c>gpuengine export</c>: writes a model with weights as ONNX (fp32, opset 13) or its weights as safetensors,
/// chosen by the output's extension. Weights come from <c>--weights</c>, else the model file's own, else
/// deterministic random ones from <c>--seed</c> (<see cref="WeightInitializer"/>); <c>--dtype</c> narrows safetensors' floats.
/// </summary>
[Verb("export", HelpText = "Export a model to ONNX (--out FILE.onnx) or its weights to safetensors (--out FILE.safetensors).")]
public sealed class ExportVerb : ModelOptions, ICommand
{
    [Option('o', "out", HelpText = "Output file: .onnx (model with weights) or .safetensors (weights only).")]
    public string? Out { get; set; }

    [Option("names", Default = "official", HelpText = "Names written to .safetensors: official (zoo, RepVGG repository, torchvision) or timm.")]
    public string Names { get; set; } = "official";

    [Option("dtype", Default = SafetensorsFloat.F32, HelpText = "How .safetensors stores float weights: f32, f16 or bf16 (half the size; read back as float32).")]
    public SafetensorsFloat DType { get; set; }

    public int Execute(CommandContext context)
    {
        string target = Out ?? Output ?? throw new GpuEngineException("export needs --out FILE.onnx or --out FILE.safetensors");
        if (Precision != Planning.Precision.Fp32)
            throw new GpuEngineException("export writes fp32 models; 'gpuengine quantize --out FILE.safetensors' writes the int8 one");
        if (DeviceName != "auto") throw new GpuEngineException($"export runs on no device (got --device {DeviceName})");
        if (!Format.Trim().Equals("table", StringComparison.OrdinalIgnoreCase))
            throw new GpuEngineException($"export has no --format (got '{Format}'): the extension of --out chooses ONNX or safetensors");
        if (Out is not null && Output is not null) throw new GpuEngineException("give the file once: --out or --output");
        GpuEngine.IO.SafeFile.CheckTarget(target, Force);
        string ext = Path.GetExtension(target).ToLowerInvariant();
        if (ext is not (".onnx" or ".safetensors"))
            throw new GpuEngineException($"--out '{target}': write .onnx (a model) or .safetensors (weights)");
        // ONNX export is fp32 only; a narrower --dtype there would be silently ignored.
        if (ext == ".onnx" && DType != SafetensorsFloat.F32)
            throw new GpuEngineException($"--dtype {DType} applies to .safetensors; '{target}' is written as fp32 ONNX");
        var map = WeightNameMaps.Find(Names);
        var graph = LoadGraphWithWeights();

        if (ext == ".onnx") OnnxFile.Save(graph, target, Force);
        else WeightFile.Save(graph, target, map, Force, DType);
        long bytes = new FileInfo(target).Length;
        context.Out.WriteLine($"wrote {target} ({graph.Name}, input {graph.Inputs[0].Shape}, {graph.ParameterCount:N0} parameters, {(ext == ".onnx" ? "fp32" : DType.ToString())}, {bytes:N0} bytes)");
        return 0;
    }
}
