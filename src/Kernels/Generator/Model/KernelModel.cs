using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Model
{
    /// <summary>One kernel parameter as the descriptor and the CPU binder need it.</summary>
    internal sealed class ParameterModel
    {
        public ParameterModel(string name, bool isView, string elementType, bool writable, bool specialized)
        {
            Name = name;
            IsView = isView;
            ElementType = elementType;
            Writable = writable;
            Specialized = specialized;
        }

        /// <summary>C# parameter name (also the device-code name stem).</summary>
        public string Name { get; }
        public bool IsView { get; }

        /// <summary>C# keyword of the element (views) or scalar type: float, int, sbyte, byte.</summary>
        public string ElementType { get; }
        public bool Writable { get; }
        public bool Specialized { get; }
    }

    /// <summary>Everything the generator learned about one [Kernel] method; emitted into GeneratedKernels.</summary>
    internal sealed class KernelModel
    {
        public string ContainingType { get; set; } = "";
        public string TypeName { get; set; } = "";
        public string MethodName { get; set; } = "";
        public string EntryPoint { get; set; } = "";
        public List<ParameterModel> Parameters { get; } = new List<ParameterModel>();
        public string CudaSource { get; set; } = "";
        public string OpenClSource { get; set; } = "";
        public bool UsesBarrier { get; set; }
        public int SharedMemoryBytes { get; set; }

        /// <summary>C# text of the whole-group CPU method (barrier kernels that split into phases), else null.</summary>
        public string? CpuGroupMethod { get; set; }
        public List<Diagnostic> Diagnostics { get; } = new List<Diagnostic>();
        public bool HasErrors => Diagnostics.Count > 0;
    }
}
