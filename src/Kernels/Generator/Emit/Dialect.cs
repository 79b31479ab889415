using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>
    /// The C dialect the emitter writes, as data (tinygrad's renderer tables): qualifiers, address spaces, type
    /// names and the prelude of support functions. OpenCL C 1.2 is the only one (CUDA is ILGPU's PTX backend).
    /// </summary>
    internal sealed class Dialect
    {
        public string Name { get; set; } = "";

        /// <summary>Text before the entry point's name, e.g. <c>extern "C" __global__ void</c>.</summary>
        public string KernelQualifier { get; set; } = "";

        /// <summary>Text before a helper's return type.</summary>
        public string HelperQualifier { get; set; } = "";

        /// <summary>Address-space prefix of a pointer into a global buffer.</summary>
        public string GlobalSpace { get; set; } = "";

        /// <summary>Qualifier of a statically sized group shared array.</summary>
        public string SharedQualifier { get; set; } = "";

        /// <summary>Suffix of a 64-bit integer literal.</summary>
        public string LongSuffix { get; set; } = "";

        /// <summary>Support code emitted before every kernel.</summary>
        public string Prelude { get; set; } = "";

        /// <summary>Device spelling of each supported C# special type.</summary>
        public Dictionary<SpecialType, string> Types { get; } = new Dictionary<SpecialType, string>();

        /// <summary>The device name of <paramref name="type"/>, or null when unsupported.</summary>
        public string? TypeName(ITypeSymbol type) =>
            Types.TryGetValue(type.SpecialType, out var name) ? name : null;
    }
}
