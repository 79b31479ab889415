namespace GpuEngine.Loading;

/// <summary>
/// The name maps the loaders know. The zoo's names are the reference implementations' own, so the official
/// RepVGG repository (train-time and deploy) and torchvision (VGG, MobileNetV2) map one to one; timm's
/// ByobNet RepVGG renames stem/stages/head and the branch modules.
/// </summary>
public static class WeightNameMaps
{
    /// <summary>The RepVGG repository (stage0.rbr_dense.conv.weight, stage1.0.rbr_reparam.bias, linear.weight) and torchvision (features.0.weight, classifier.1.bias).</summary>
    public static WeightNameMap Official { get; } = new("official",
        "names as the official RepVGG repository and torchvision write them (the zoo's own)",
        [new("{p}", "{p}")]);

    /// <summary>timm's RepVGG (byobnet.py): the stem is a RepVggBlock, stages.N is the paper's stage N+1, head.fc the classifier.</summary>
    public static WeightNameMap Timm { get; } = new("timm",
        "timm's ByobNet RepVGG (stem.*, stages.N.M.*, head.fc.*; conv_kxk, conv_1x1, identity, reparam_conv)",
        [
            new("stem.conv_kxk.conv.{p}", "stage0.rbr_dense.conv.{p}"),
            new("stem.conv_kxk.bn.{p}", "stage0.rbr_dense.bn.{p}"),
            new("stem.conv_1x1.conv.{p}", "stage0.rbr_1x1.conv.{p}"),
            new("stem.conv_1x1.bn.{p}", "stage0.rbr_1x1.bn.{p}"),
            new("stem.identity.{p}", "stage0.rbr_identity.{p}"),
            new("stem.reparam_conv.{p}", "stage0.rbr_reparam.{p}"),
            new("stages.{s}.{b}.conv_kxk.conv.{p}", "stage{s+1}.{b}.rbr_dense.conv.{p}"),
            new("stages.{s}.{b}.conv_kxk.bn.{p}", "stage{s+1}.{b}.rbr_dense.bn.{p}"),
            new("stages.{s}.{b}.conv_1x1.conv.{p}", "stage{s+1}.{b}.rbr_1x1.conv.{p}"),
            new("stages.{s}.{b}.conv_1x1.bn.{p}", "stage{s+1}.{b}.rbr_1x1.bn.{p}"),
            new("stages.{s}.{b}.identity.{p}", "stage{s+1}.{b}.rbr_identity.{p}"),
            new("stages.{s}.{b}.reparam_conv.{p}", "stage{s+1}.{b}.rbr_reparam.{p}"),
            new("head.fc.{p}", "linear.{p}"),
        ]);

    public static IReadOnlyList<WeightNameMap> All { get; } = [Official, Timm];

    /// <summary>Looks a map up by name, or throws an error listing the known ones.</summary>
    public static WeightNameMap Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new GpuEngineException($"unknown weight name map '{name}'; known: {string.Join(", ", All.Select(m => m.Name))}");
}
