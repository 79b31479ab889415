namespace GpuEngine.Ir;

/// <summary>
/// One layer of a graph: an op applied to named input tensors, writing one named output tensor.
/// </summary>
/// <param name="Name">The layer name: a module path of the reference implementation (features.2.conv.0.0) or,
/// for functional steps, a name derived from the enclosing module (stage1.0.add).</param>
/// <param name="IsModule">False for functional steps (torch.flatten, x + y) that PyTorch summaries do not list.</param>
/// <param name="Covers">The model layers this node computes after fusion (conv + BatchNorm + ReLU); null means just itself.</param>
public sealed record Node(string Name, Op Op, IReadOnlyList<string> Inputs, string Output, bool IsModule = true, IReadOnlyList<string>? Covers = null)
{
    /// <summary>The layers of the original model this node computes, so fused kernels trace back to each layer.</summary>
    public IReadOnlyList<string> Layers => Covers ?? [Name];

    /// <summary>The graph-wide name of one of this node's parameters, e.g. <c>stage0.rbr_reparam.weight</c>.</summary>
    public string ParameterName(string role) => $"{Name}.{role}";
}

/// <summary>
/// A container module (RepVGGBlock, InvertedResidual) spanning nodes <paramref name="FirstNode"/>..<paramref name="LastNode"/>.
/// Kept so that names like torchsummary's "Conv2d-4" can be reproduced, and fused kernels traced back.
/// </summary>
public sealed record ModuleScope(string Name, string TypeName, int FirstNode, int LastNode);
