using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Model
{
    /// <summary>One kernel parameter as the descriptor and the CPU binder need it.</summary>
    internal sealed class ParameterModel
    {
        public ParameterModel(string name, bool isView, string elementType, bool writable, bool specialized, int cpuOrdinal)
        {
            CpuOrdinal = cpuOrdinal;
            Name = name;
            IsView = isView;
            ElementType = elementType;
            Writable = writable;
            Specialized = specialized;
        }

        /// <summary>Ordinal of the parameter in the kernel's CPU form (0 is the WorkItem).</summary>
        public int CpuOrdinal { get; }

        /// <summary>Descriptor name: the ILGPU parameter's name, <c>p.Field</c> for a parameter struct's field.</summary>
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
        public string OpenClSource { get; set; } = "";

        /// <summary>The kernel's parameters as ILGPU declares them (a struct not yet flattened).</summary>
        public List<Ilgpu.IlgpuParameter> IlgpuParameters { get; } = new List<Ilgpu.IlgpuParameter>();

        /// <summary>Where diagnostics found only in the translated code are reported: the kernel's name.</summary>
        public Location? Location { get; set; }

        /// <summary>The kernel's CPU form and counting variant (C# method texts).</summary>
        public string CpuFormText { get; set; } = "";
        public string CountingText { get; set; } = "";

        /// <summary>Source helpers the kernel reaches, callees first: (class simple name, key, CPU-form text, counting text or null).</summary>
        public List<(string TypeName, string Key, string CpuForm, string? Counting)> Helpers { get; } = new List<(string, string, string, string?)>();
        public bool UsesBarrier { get; set; }
        public int SharedMemoryBytes { get; set; }

        /// <summary>C# text of the whole-group CPU method (barrier kernels that split into phases), else null.</summary>
        public string? CpuGroupMethod { get; set; }
        public List<Diagnostic> Diagnostics { get; } = new List<Diagnostic>();
        public bool HasErrors => Diagnostics.Count > 0;
    }
}
