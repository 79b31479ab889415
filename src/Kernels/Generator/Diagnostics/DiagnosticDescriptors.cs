using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Diagnostics
{
    /// <summary>Every diagnostic the kernel generator reports. Ids are never reused; each is listed in AnalyzerReleases.Shipped.md.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "GpuEngine.Kernels";

        private static DiagnosticDescriptor Error(string id, string title, string format) =>
            new DiagnosticDescriptor(id, title, format, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        /// <summary>GPUE0001: "Kernel or helper '{0}' must be a static, non-generic, non-private method (kernels return void)".</summary>
        public static readonly DiagnosticDescriptor InvalidKernelMethod = Error("GPUE0001", "Invalid kernel method",
            "Kernel or helper '{0}' must be a static, non-generic, non-private method (kernels return void)");

        /// <summary>GPUE0002: "Kernel '{0}' parameters must be: ArrayView&lt;T&gt; views, then int/float scalars or a parameter struct, then SpecializedValue&lt;T&gt; ({1})".</summary>
        public static readonly DiagnosticDescriptor InvalidKernelSignature = Error("GPUE0002", "Invalid kernel signature",
            "Kernel '{0}' parameters must be: ArrayView<T> views, then int/float scalars or a parameter struct, then SpecializedValue<T> ({1})");

        /// <summary>GPUE0003: "Type '{0}' is not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor UnsupportedType = Error("GPUE0003", "Unsupported type",
            "Type '{0}' is not supported in kernel code");

        /// <summary>GPUE0004: "Allocation with 'new' (objects, arrays, stackalloc, collections) is not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor Allocation = Error("GPUE0004", "Allocation in kernel",
            "Allocation with 'new' (objects, arrays, stackalloc, collections) is not supported in kernel code");

        /// <summary>GPUE0005: "Strings are not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor StringUse = Error("GPUE0005", "String in kernel",
            "Strings are not supported in kernel code");

        /// <summary>GPUE0006: "Exceptions (throw, try/catch/finally) are not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor ExceptionUse = Error("GPUE0006", "Exception in kernel",
            "Exceptions (throw, try/catch/finally) are not supported in kernel code");

        /// <summary>GPUE0007: "Lambdas, anonymous methods, local functions and LINQ are not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor LambdaUse = Error("GPUE0007", "Lambda or LINQ in kernel",
            "Lambdas, anonymous methods, local functions and LINQ are not supported in kernel code");

        /// <summary>GPUE0008: "foreach is not supported in kernel code; use for over an index".</summary>
        public static readonly DiagnosticDescriptor ForEachUse = Error("GPUE0008", "foreach in kernel",
            "foreach is not supported in kernel code; use for over an index");

        /// <summary>GPUE0009: "ref/out/in parameters, arguments and locals are not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor RefUse = Error("GPUE0009", "ref in kernel",
            "ref/out/in parameters, arguments and locals are not supported in kernel code");

        /// <summary>GPUE0010: "Call to '{0}' is not supported: kernels may call static methods of this project, the ILGPU API the generator maps, XMath and Math/MathF functions only".</summary>
        public static readonly DiagnosticDescriptor UnsupportedCall = Error("GPUE0010", "Unsupported call",
            "Call to '{0}' is not supported: kernels may call static methods of this project, SharedMemory.Allocate, Group.Barrier, Atomic.Add/Max(ref view[i], v), XMath and Math/MathF functions only");

        /// <summary>GPUE0011: "Helper '{0}' is recursive; device code cannot recurse".</summary>
        public static readonly DiagnosticDescriptor Recursion = Error("GPUE0011", "Recursive helper",
            "Helper '{0}' is recursive; device code cannot recurse");

        /// <summary>GPUE0012: "SharedMemory.Allocate must initialise a local at the top level of a kernel body, with a constant length".</summary>
        public static readonly DiagnosticDescriptor SharedMisuse = Error("GPUE0012", "Misplaced shared memory",
            "SharedMemory.Allocate must initialise a local at the top level of a kernel body, with a constant length");

        /// <summary>GPUE0013: "'{0}' is not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor UnsupportedSyntax = Error("GPUE0013", "Unsupported construct",
            "'{0}' is not supported in kernel code");

        /// <summary>GPUE0014: "SpecializedValue parameter '{0}' must be a SpecializedValue&lt;int&gt; or SpecializedValue&lt;float&gt;".</summary>
        public static readonly DiagnosticDescriptor InvalidSpecialize = Error("GPUE0014", "Invalid specialized value",
            "SpecializedValue parameter '{0}' must be a SpecializedValue<int> or SpecializedValue<float>");

        /// <summary>GPUE0015: "Field '{0}' is not a constant; kernels can read const fields only".</summary>
        public static readonly DiagnosticDescriptor NonConstField = Error("GPUE0015", "Non-constant field",
            "Field '{0}' is not a constant; kernels can read const fields only");
    

        /// <summary>GPUE0016: "Parameter struct '{0}' field '{1}' is a {2}: parameter structs hold public, mutable int and float fields only".</summary>
        public static readonly DiagnosticDescriptor InvalidParameterStruct = Error("GPUE0016", "Invalid parameter struct field",
            "Parameter struct '{0}' field '{1}' is a {2}: parameter structs hold public, mutable int and float fields only");

        /// <summary>GPUE0017: "Kernel '{0}' has {1} parameters; ILGPU's loaders take at most {2} here (one more is the counting total): gather scalars in a parameter struct".</summary>
        public static readonly DiagnosticDescriptor TooManyParameters = Error("GPUE0017", "Too many kernel parameters",
            "Kernel '{0}' has {1} parameters; ILGPU's loaders take at most {2} here (one more is the counting total): gather scalars in a parameter struct");

        /// <summary>GPUE0018: "'{0}' in a helper: read grid and group indices in the kernel and pass them as arguments".</summary>
        public static readonly DiagnosticDescriptor IndexInHelper = Error("GPUE0018", "Index in helper",
            "'{0}' in a helper: read grid and group indices in the kernel and pass them as arguments");
    }
}
