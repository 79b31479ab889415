using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator
{
    /// <summary>Translates [Kernel] methods into CUDA C and OpenCL C at build time.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class KernelGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
