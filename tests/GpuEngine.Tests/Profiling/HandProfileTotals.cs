using GpuEngine.Execution;
using GpuEngine.Ir;
using GpuEngine.Loading;
using GpuEngine.Ops;
using GpuEngine.Planning;
using GpuEngine.Profiling.Measurement;
using GpuEngine.Profiling.Reports;
using GpuEngine.Quantization;
using GpuEngine.Sessions;

namespace GpuEngine.Tests.Profiling;

/// <summary>
/// Profile totals against figures worked by hand, not a re-sum of the same rows (issue 12 item 7). The model:
/// 1x2x6x6 -> Conv2d 2->3 k3 with bias (1x3x4x4) -> MaxPool 2x2 (1x3x2x2); nothing to fold or fuse. Conv: 48 outputs x
/// (18 multiplies + 17 adds + 1 bias add) = 1,728 FLOPs, 3·2·9 + 3 = 57 parameters; pool: 12 outputs x 3 comparisons = 36.
/// Bytes (docs/conventions.md): fp32 conv reads 4·(72 + 57) = 516 and writes 4·48 = 192, the pool reads 192 and writes
/// 48; energy 4.5 pJ a flop + 132 pJ a byte = 4.5·1,764 + 132·948 = 133,074 pJ. int8 (fused): conv reads 72 + 54 + 4·3
/// = 138 and writes 48, the pool 48 and 12, the input's Quantize 4·72 and 72, the output's Dequantize 12 and 4·12;
/// addsum mode adds the conv's int32 addsum, 4·48, to both (written, then read back by its Requantize).
/// </summary>
internal static class HandProfileTotals
{
    public const long Params = 57;
    public const long Flops = 1_728 + 36;
    public const double Fp32Energy = 4.5 * Flops + 132 * (516 + 192 + 192 + 48);

    /// <summary>Total (mem_r, mem_w) by hand for <paramref name="precision"/> and <paramref name="mode"/>.</summary>
    public static (long Read, long Written) Bytes(Precision precision, Int8Mode mode) => precision == Precision.Fp32
        ? (516 + 192, 192 + 48)
        : (138 + 48 + 4 * 72 + 12 + (mode == Int8Mode.Addsum ? 4 * 48 : 0), 48 + 12 + 72 + 4 * 12 + (mode == Int8Mode.Addsum ? 4 * 48 : 0));

    public static Ir.Graph Graph()
    {
        var b = new GraphBuilder("hand");
        var conv = b.Add("conv", Conv2d.Square(2, 3, 3, 1, 0, 1, bias: true), b.Input("input", new TensorShape(1, 2, 6, 6)));
        b.Add("pool", new MaxPool2d(2, 2, 0), conv);
        return WeightInitializer.Initialize(b.Build(), 4);
    }

    /// <summary>Profiles the hand model (fp32, or int8 in <paramref name="mode"/>) and checks every report's totals.</summary>
    public static void AssertTotals(Precision precision, Int8Mode mode = Int8Mode.Fused)
    {
        var graph = Graph();
        var options = new SessionOptions { Device = "cpu", Precision = precision, Int8Mode = mode };
        if (precision == Precision.Int8) options = options with { Quantization = Calibrator.Calibrate(graph, options, new CalibrationOptions { Samples = 2 }) };
        using var session = SessionFactory.Create(graph, options);
        var profile = SessionProfiler.Measure(session, RandomInput.Uniform(graph.Inputs[0].Shape, 3), new ProfileOptions(Warmup: 1, Runs: 2));
        foreach (var type in Enum.GetValues<ProfileReportType>())
        {
            var report = ProfileReport.Create(profile, type);
            Assert.NotNull(report.Totals);
            long Total(string key) => Convert.ToInt64(report.Totals![report.Columns.ToList().FindIndex(c => c.Key == key)]);
            Assert.True(Total("params") == Params, $"{precision} {type}: params total {Total("params")}, by hand {Params}");
            Assert.True(Total("flops") == Flops, $"{precision} {type}: FLOPs total {Total("flops")}, by hand {Flops}");
            var bytes = (Total("mem_r"), Total("mem_w"));
            Assert.True(bytes == Bytes(precision, mode), $"{precision} {mode} {type}: (mem_r, mem_w) totals {bytes}, by hand {Bytes(precision, mode)}");
            if (precision == Precision.Fp32)
            {
                double energy = Convert.ToDouble(report.Totals![report.Columns.ToList().FindIndex(c => c.Key == "energy")]);
                Assert.True(Math.Abs(energy - Fp32Energy) < 1e-6, $"{type}: energy total {energy} pJ, by hand {Fp32Energy}");
            }
        }
    }
}
