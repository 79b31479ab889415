using System.Collections.Immutable;
using GpuEngine.Kernels;
using GpuEngine.Kernels.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GpuEngine.Tests.Generator;

/// <summary>Runs the kernel generator in-process over a source text, as the compiler would.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("GpuEngine.", StringComparison.Ordinal) && !Path.GetFileName(path).StartsWith("ILGPU", StringComparison.Ordinal));
        return platform.Append(typeof(View<>).Assembly.Location).Append(typeof(ILGPU.ArrayView<>).Assembly.Location)
            .Append(typeof(ILGPU.Algorithms.XMath).Assembly.Location).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
    });

    /// <summary>Generator diagnostics and generated texts for <paramref name="kernelSource"/> (usings for System, GpuEngine.Kernels, ILGPU, ILGPU.Runtime and ILGPU.Algorithms added).</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, string Generated) Run(string kernelSource)
    {
        string source = "using System;\nusing GpuEngine.Kernels;\nusing ILGPU;\nusing ILGPU.Runtime;\nusing ILGPU.Algorithms;\n" + kernelSource;
        var compilation = CSharpCompilation.Create("GeneratorTest", [CSharpSyntaxTree.ParseText(source, path: "Kernel.cs")], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        CSharpGeneratorDriver.Create(new KernelGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var generated = output.SyntaxTrees.Skip(1).Select(t => t.ToString());
        return (diagnostics, string.Join("\n", generated));
    }

    /// <summary>Asserts the generator reports <paramref name="id"/> inside the kernel source.</summary>
    public static void AssertReports(string id, string kernelSource)
    {
        var (diagnostics, _) = Run(kernelSource);
        Assert.True(diagnostics.Any(d => d.Id == id && d.Location.SourceTree?.FilePath == "Kernel.cs"),
            $"expected {id}, got: {string.Join("; ", diagnostics.Select(d => d.Id + " " + d.GetMessage()))}");
    }
}
