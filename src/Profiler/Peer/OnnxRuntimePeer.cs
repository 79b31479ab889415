using Google.Protobuf;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Tensor = GpuEngine.Ir.Tensor;
using Ort = Microsoft.ML.OnnxRuntime;

namespace GpuEngine.Profiling.Peer;

/// <summary>How the peer session is set up.</summary>
/// <param name="Optimize">ORT's full graph optimizations (its default, what users get); off runs the plain ops (the tests' reference).</param>
/// <param name="Threads">Intra-op threads; 0 = ONNX Runtime's default (one per core).</param>
/// <param name="ProfilePrefix">Non-null: ONNX Runtime's own profiler writes its Chrome trace JSON under this prefix.</param>
/// <param name="UseCuda">Ask for the CUDA execution provider where this ONNX Runtime build has it.</param>
public sealed record PeerOptions(bool Optimize = true, int Threads = 0, string? ProfilePrefix = null, bool UseCuda = false);

/// <summary>
/// ONNX Runtime (Microsoft.ML.OnnxRuntime, in this process) running an ONNX model: the reference the tests and
/// <c>gpuengine compare</c> measure the engine against. Only this project (the profiler) depends on ONNX Runtime;
/// the engine does not. Float32 inputs and outputs.
/// </summary>
public sealed class OnnxRuntimePeer : IDisposable
{
    public const string CpuProvider = "CPUExecutionProvider";
    public const string CudaProvider = "CUDAExecutionProvider";

    private readonly Ort.InferenceSession _session;
    private readonly Ort.SessionOptions _options;
    private readonly RunOptions _run = new();

    public OnnxRuntimePeer(ModelProto model, PeerOptions? options = null) : this(model.ToByteArray(), options) { }

    public OnnxRuntimePeer(byte[] model, PeerOptions? options = null)
    {
        options ??= new PeerOptions();
        _options = new Ort.SessionOptions
        {
            GraphOptimizationLevel = options.Optimize ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.Threads,
        };
        Provider = CpuProvider;
        ProviderNote = "CPU execution provider";
        if (options.UseCuda)
        {
            if (AvailableProviders.Contains(CudaProvider))
            {
                _options.AppendExecutionProvider_CUDA(0);
                Provider = CudaProvider;
                ProviderNote = "CUDA execution provider";
            }
            else ProviderNote = "CPU execution provider (CUDA EP unavailable: this ONNX Runtime build has no CUDAExecutionProvider; Microsoft.ML.OnnxRuntime.Gpu is not referenced)";
        }
        if (options.ProfilePrefix is not null)
        {
            _options.EnableProfiling = true;
            _options.ProfileOutputPathPrefix = options.ProfilePrefix;
        }
        try
        {
            _session = new Ort.InferenceSession(model, _options);
        }
        catch (OnnxRuntimeException e)
        {
            _options.Dispose();
            throw new GpuEngineException($"ONNX Runtime refused the model: {FirstLine(e.Message)}", e);
        }
        InputNames = [.. _session.InputMetadata.Keys];
        OutputNames = [.. _session.OutputMetadata.Keys];
    }

    /// <summary>Execution providers this ONNX Runtime build has (CPUExecutionProvider at least).</summary>
    public static IReadOnlyList<string> AvailableProviders => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>The execution provider the session runs on.</summary>
    public string Provider { get; }

    /// <summary>The provider in words, with why CUDA was not used where it was asked for.</summary>
    public string ProviderNote { get; }

    /// <summary>ONNX Runtime's version string (e.g. 1.31.1).</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    public IReadOnlyList<string> InputNames { get; }
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Runs on one float32 input (the model's first) and returns every float32 output by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(Tensor input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input.Floats, [.. input.Shape.Dims.Select(d => (long)d)]);
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = _session.Run(_run, [InputNames[0]], [value], OutputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new GpuEngineException($"ONNX Runtime could not run the model on input {input.Shape}: {string.Join(' ', e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))}", e);
        }
        using var owned = results;
        var outputs = new Dictionary<string, Tensor>();
        int i = 0;
        foreach (var result in results)
        {
            string name = OutputNames[i++];
            var info = result.GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float) continue;
            var shape = new TensorShape([.. info.Shape.Select(d => (int)d)]);
            outputs[name] = Tensor.FromFloats(shape, result.GetTensorDataAsSpan<float>().ToArray());
        }
        return outputs;
    }

    /// <summary>Ends ONNX Runtime's profiling and returns the JSON file it wrote (null when profiling was off).</summary>
    public string? EndProfiling() => _options.EnableProfiling ? _session.EndProfiling() : null;

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
