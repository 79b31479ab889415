using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Profiling.Peer;
using GpuEngine.Tests.Kernels;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// Real ONNX CNNs from npm packages (<see cref="NpmModels"/>), imported as a user would, run on every device here with
/// a random input and compared with ONNX Runtime in this process: every output within 1e-3 relative (issue 15).
/// </summary>
public class NpmModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Devices() => new(new[] { "cpu", "opencl", "cuda" }.Where(d => TestBackends.Names().Contains(d)));

    /// <summary>paddle2onnx: HardSwish as Add/Clip/Mul/Div, squeeze-excitation Mul of [N,C,1,1] gates, HardSigmoid, Softmax, shape-folded Reshape.</summary>
    [NpmModelTheory(nameof(NpmModels.PaddleOcrCls))]
    [MemberData(nameof(Devices))]
    public void PaddleOcr_direction_classifier_matches_onnx_runtime(string device) =>
        Compare(NpmModels.PaddleOcrCls.File, new TensorShape(2, 3, 48, 192), device);

    /// <summary>tf2onnx: NHWC input reshaped to NCHW, Conv with 1x3/3x1 kernels, LeakyRelu, Max with a constant, MaxPool.</summary>
    [NpmModelTheory(nameof(NpmModels.WakeWordEmbedding))]
    [MemberData(nameof(Devices))]
    public void WakeWord_embedding_cnn_matches_onnx_runtime(string device) =>
        Compare(NpmModels.WakeWordEmbedding.File, new TensorShape(1, 76, 32, 1), device);

    private void Compare(string file, TensorShape shape, string device)
    {
        var graph = ModelLoader.Load(file, shape);
        var input = TestData.Floats(shape, 11);
        using var peer = new OnnxRuntimePeer(File.ReadAllBytes(file), new PeerOptions(Optimize: false, Threads: 1));
        var expected = peer.Run(input);
        using var session = new InferenceSession(graph, new SessionOptions { Device = device });
        session.Run(input);
        Assert.Equal(peer.OutputNames.Count, graph.Outputs.Count);
        foreach (var name in peer.OutputNames)
        {
            var reference = expected[name].Floats;
            var actual = session.ReadTensor(name).Floats;
            Assert.Equal(reference.Length, actual.Length);
            double maxRef = reference.Max(v => Math.Abs((double)v));
            double maxErr = reference.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
            double relative = maxErr / Math.Max(maxRef, 1e-12);
            output.WriteLine($"{Path.GetFileName(file)} on {device}, output {name}: max |difference| {maxErr:G3}, relative {relative:G3}");
            Assert.True(relative <= 1e-3, $"{name}: relative error {relative:G3} > 1e-3");
        }
    }
}
