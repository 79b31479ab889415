using GpuEngine.Planning;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Planning;

/// <summary>Every zoo model plans in every mode, within the targets (arena within 2% of the bound).</summary>
public sealed class ZooPlanTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => [.. ModelZoo.All.Select(m => m.Name)];

    private static readonly PlanOptions[] Modes =
    [
        new() { Precision = Precision.Fp32 },
        new() { Precision = Precision.Int8, Mode = Int8Mode.Fused },
        new() { Precision = Precision.Int8, Mode = Int8Mode.Addsum },
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void ArenaIsWithinTwoPercentOfTheBound(string model)
    {
        var graph = ModelZoo.Create(model);
        foreach (var options in Modes)
        {
            var plan = MemoryPlanner.Plan(graph, options);
            output.WriteLine($"{model} {options.Precision} {options.Mode}: arena {plan.ArenaBytes} bound {plan.LowerBoundBytes} naive {plan.NaiveBytes} " +
                $"ratio {plan.Ratio:F4} {plan.Strategy} {plan.PlanningTime.TotalMilliseconds:F0} ms");
            Assert.True(plan.ArenaBytes >= plan.LowerBoundBytes);
            Assert.True(plan.Ratio <= 1.02, $"{model} {options.Precision}/{options.Mode}: arena {plan.ArenaBytes} is {plan.Ratio:F4} x the bound {plan.LowerBoundBytes}");
            Assert.True(plan.NaiveBytes >= plan.ArenaBytes);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FusedExecutionGraphsPlanSafelyAndReachTheBound(string model)
    {
        var graph = GpuEngine.Passes.ActivationFusion.Apply(GpuEngine.Passes.BatchNormFolding.Apply(GpuEngine.Passes.RepVggReparameterization.Apply(ModelZoo.Create(model))));
        foreach (var options in Modes)
        {
            var plan = MemoryPlanner.Plan(graph, options with { Alignment = 64 });
            PlanChecks.Simulate(plan);
            Assert.True(plan.Ratio <= 1.02, $"{model} fused {options.Precision}/{options.Mode}: ratio {plan.Ratio:F4}");
        }
    }

    [Fact]
    public void MobileNetV2Fp32IsAtMostSixTenthsOfPyTorchEager()
    {
        // PyTorch eager (caching allocator) held 10,436,608 bytes of activations at 1x3x224x224 (RASP's table).
        var plan = MemoryPlanner.Plan(ModelZoo.Create("mobilenet_v2"));
        output.WriteLine($"arena {plan.ArenaBytes} = {plan.ArenaBytes / 10_436_608.0:F4} x PyTorch eager");
        Assert.True(plan.ArenaBytes <= 0.6 * 10_436_608, $"arena {plan.ArenaBytes}");
    }
}
