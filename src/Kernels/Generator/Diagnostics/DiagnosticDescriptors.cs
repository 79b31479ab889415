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

        /// <summary>GPUE0002: "Kernel '{0}' parameters must be: a WorkItem, then View&lt;T&gt; views, then int/float scalars ({1})".</summary>
        public static readonly DiagnosticDescriptor InvalidKernelSignature = Error("GPUE0002", "Invalid kernel signature",
            "Kernel '{0}' parameters must be: a WorkItem, then View<T> views, then int/float scalars ({1})");

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

        /// <summary>GPUE0010: "Call to '{0}' is not supported: kernels may call [KernelHelper] methods, API intrinsics and Math/MathF functions only".</summary>
        public static readonly DiagnosticDescriptor UnsupportedCall = Error("GPUE0010", "Unsupported call",
            "Call to '{0}' is not supported: kernels may call [KernelHelper] methods, API intrinsics and Math/MathF functions only");

        /// <summary>GPUE0011: "Helper '{0}' is recursive; device code cannot recurse".</summary>
        public static readonly DiagnosticDescriptor Recursion = Error("GPUE0011", "Recursive helper",
            "Helper '{0}' is recursive; device code cannot recurse");

        /// <summary>GPUE0012: "Group.Shared must initialise a local at the top level of a kernel body, with a constant length".</summary>
        public static readonly DiagnosticDescriptor SharedMisuse = Error("GPUE0012", "Misplaced shared memory",
            "Group.Shared must initialise a local at the top level of a kernel body, with a constant length");

        /// <summary>GPUE0013: "'{0}' is not supported in kernel code".</summary>
        public static readonly DiagnosticDescriptor UnsupportedSyntax = Error("GPUE0013", "Unsupported construct",
            "'{0}' is not supported in kernel code");

        /// <summary>GPUE0014: "[Specialize] parameter '{0}' must be an int or float scalar".</summary>
        public static readonly DiagnosticDescriptor InvalidSpecialize = Error("GPUE0014", "Invalid [Specialize]",
            "[Specialize] parameter '{0}' must be an int or float scalar");

        /// <summary>GPUE0015: "Field '{0}' is not a constant; kernels can read const fields only".</summary>
        public static readonly DiagnosticDescriptor NonConstField = Error("GPUE0015", "Non-constant field",
            "Field '{0}' is not a constant; kernels can read const fields only");
    }
}
