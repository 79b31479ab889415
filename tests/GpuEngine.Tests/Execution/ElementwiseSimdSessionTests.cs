using GpuEngine.Backends.Cpu.Simd;
using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Planning;
using GpuEngine.Profiling.Peer;
using GpuEngine.Sessions;
using GpuEngine.Tests.Loading;
using GpuEngine.Tests.Reference;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Execution;

/// <summary>Whole models with the elementwise and pooling SIMD tactics: chosen under fixed, and the outputs they give.</summary>
public sealed class ElementwiseSimdSessionTests
{
    /// <summary>int8 MobileNetV2: Quantize, Dequantize and the residual Adds take the SIMD tactics; logits bit-identical to the reference kernels'.</summary>
    [Fact]
    public void Int8MobileNet_TakesTheEdgeAndAddTactics_BitIdentical()
    {
        if (Int8Simd.Widest == Int8SimdPath.None) Assert.Skip("this cpu has no AVX2");
        var shape = new TensorShape(2, 3, 32, 32);
        var graph = WeightInitializer.Initialize(ModelZoo.Create("mobilenet_v2", shape, 10), 5);
        var input = RandomInput.Uniform(shape, 6);
        var options = new SessionOptions { Device = "cpu", Precision = Precision.Int8 };
        InferenceSession reference;
        using (Int8Simd.Force(Int8SimdPath.None)) reference = SessionFactory.Create(graph, options);
        using (reference)
        using (var simd = new InferenceSession(graph, options with { Quantization = reference.Quantization }))
        {
            var names = simd.Launches.Select(l => l.Kernel.Name).ToHashSet();
            foreach (var name in new[] { "QuantizeSimd", "DequantizeSimd", "Int8AddSimd" }) Assert.Contains(name, names);
            Assert.DoesNotContain(reference.Launches, l => l.Kernel.Name is "QuantizeSimd" or "DequantizeSimd" or "Int8AddSimd");
            var expected = reference.Run(input).Floats.ToArray();
            Assert.Contains(expected, v => v != expected[0]);
            Assert.Equal(expected, simd.Run(input).Floats.ToArray());
        }
    }

    /// <summary>fp32 PaddleOCR classifier (HardSwish, HardSigmoid, SE Mul with broadcast): the SIMD tactics run and match ONNX Runtime.</summary>
    [NpmModelTheory(nameof(NpmModels.PaddleOcrCls))]
    [InlineData(1)]
    public void PaddleOcr_TakesThePointwiseTactics_AndMatchesFloat64(int batch)
    {
        var shape = new TensorShape(batch, 3, 48, 192);
        var graph = ModelLoader.Load(NpmModels.PaddleOcrCls.File, shape);
        var input = RandomInput.Uniform(shape, 7);
        using var session = new InferenceSession(graph, new SessionOptions { Device = "cpu" });
        var names = session.Launches.Select(l => l.Kernel.Name).ToHashSet();
        Assert.Contains("BinarySimd", names);
        Assert.Contains(names, n => n is "UnarySimd" or "ActivationSimd");
        using var peer = new OnnxRuntimePeer(File.ReadAllBytes(NpmModels.PaddleOcrCls.File), new PeerOptions(Optimize: false, Threads: 1));
        var expected = peer.Run(input)[peer.OutputNames[0]].Floats;
        var actual = session.Run(input).Floats;
        double maxRef = expected.Max(v => Math.Abs((double)v));
        double maxErr = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
        Assert.True(maxErr <= 1e-4 * maxRef, $"max |difference| {maxErr:G3} of max |output| {maxRef:G3}");
    }
}
