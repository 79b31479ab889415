using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Ilgpu
{
    /// <summary>
    /// The mapping table from the ILGPU API that kernels use to the cpu backend's C# (the "CPU form", which the
    /// OpenCL emitter then reads): one entry per ILGPU member, in the spirit of ComputeSharp's HlslKnownMethods.
    /// The OpenCL spellings of the right-hand sides are in WorkItem's and CpuGroup's [DeviceIntrinsic]s and KnownMethods.
    /// </summary>
    internal static class IlgpuApi
    {
        /// <summary>Name of the WorkItem parameter the CPU form of every kernel takes first.</summary>
        public const string Item = "item__";

        /// <summary>Prefix of a specialized value's name in the CPU form, hence of its OpenCL macro (never a header identifier).</summary>
        public const string SpecializedPrefix = "GPUE_S_";

        /// <summary>ILGPU.Grid / ILGPU.Group int properties: "Type.Member" to the WorkItem member.</summary>
        public static readonly Dictionary<string, string> Indices = new Dictionary<string, string>
        {
            ["Grid.IdxX"] = "GroupX", ["Grid.IdxY"] = "GroupY", ["Grid.IdxZ"] = "GroupZ",
            ["Grid.DimX"] = "GroupCountX", ["Grid.DimY"] = "GroupCountY", ["Grid.DimZ"] = "GroupCountZ",
            ["Group.IdxX"] = "LocalX", ["Group.IdxY"] = "LocalY", ["Group.IdxZ"] = "LocalZ",
            ["Group.DimX"] = "GroupSizeX", ["Group.DimY"] = "GroupSizeY", ["Group.DimZ"] = "GroupSizeZ",
            ["Group.LinearIndex"] = "LocalLinear",
        };

        /// <summary>Components of ILGPU's <c>Grid.GlobalIndex</c> (an Index3D).</summary>
        public static readonly Dictionary<string, string> GlobalIndex = new Dictionary<string, string>
        {
            ["X"] = "GlobalX", ["Y"] = "GlobalY", ["Z"] = "GlobalZ",
        };

        /// <summary>ILGPU.Algorithms XMath functions: the C# the CPU form calls instead ({0}.. are the arguments).</summary>
        public static readonly Dictionary<string, string> XMath = new Dictionary<string, string>
        {
            ["Min"] = "global::System.Math.Min({0}, {1})",
            ["Max"] = "global::System.Math.Max({0}, {1})",
            ["Clamp"] = "global::System.Math.Clamp({0}, {1}, {2})",
            ["Abs"] = "global::System.Math.Abs({0})",
            ["Sqrt"] = "global::System.MathF.Sqrt({0})",
            ["Rsqrt"] = "(1f / global::System.MathF.Sqrt({0}))",
            ["Exp"] = "global::System.MathF.Exp({0})",
            ["Log"] = "global::System.MathF.Log({0})",
            ["Floor"] = "global::System.MathF.Floor({0})",
            ["Ceiling"] = "global::System.MathF.Ceiling({0})",
            ["Tanh"] = "global::System.MathF.Tanh({0})",
            ["RoundToEven"] = "global::System.MathF.Round({0})",
        };

        public static bool Is(ISymbol? symbol, string containingType) =>
            symbol?.ContainingType?.ToDisplayString() == containingType;

        /// <summary>"Grid.IdxX"-style key of an ILGPU Grid/Group property, or null.</summary>
        public static string? IndexKey(ISymbol? symbol) =>
            symbol is IPropertySymbol p && (Is(p, "ILGPU.Grid") || Is(p, "ILGPU.Group")) ? p.ContainingType.Name + "." + p.Name : null;

        public static bool IsArrayView(ITypeSymbol? type, out ITypeSymbol? element)
        {
            element = null;
            if (type is INamedTypeSymbol named && named.IsGenericType && named.Name == "ArrayView" && named.ContainingNamespace?.ToDisplayString() == "ILGPU")
            {
                element = named.TypeArguments[0];
                return true;
            }
            return false;
        }

        public static bool IsSpecializedValue(ITypeSymbol? type, out ITypeSymbol? value)
        {
            value = null;
            if (type is INamedTypeSymbol named && named.IsGenericType && named.Name == "SpecializedValue" && named.ContainingNamespace?.ToDisplayString() == "ILGPU.Runtime")
            {
                value = named.TypeArguments[0];
                return true;
            }
            return false;
        }

        public static bool IsSharedAllocate(IMethodSymbol? m) => m != null && m.Name == "Allocate" && Is(m, "ILGPU.SharedMemory") && m.Parameters.Length == 1;
        public static bool IsBarrier(IMethodSymbol? m) => m != null && m.Name == "Barrier" && Is(m, "ILGPU.Group");
        public static bool IsAtomic(IMethodSymbol? m) => m != null && (m.Name == "Add" || m.Name == "Max") && Is(m, "ILGPU.Atomic") && m.Parameters.Length == 2;
        public static bool IsXMath(IMethodSymbol? m) => m != null && Is(m, "ILGPU.Algorithms.XMath") && XMath.ContainsKey(m.Name);
        public static bool IsCudaAsmEmit(IMethodSymbol? m) => m != null && Is(m, "ILGPU.Runtime.Cuda.CudaAsm") && m.Name == "Emit";

        /// <summary>Whether <paramref name="condition"/> is <c>CudaAsm.IsSupported</c>: false off CUDA, so only the else branch is translated.</summary>
        public static bool IsCudaAsmSupported(SemanticModel model, SyntaxNode condition) =>
            model.GetSymbolInfo(condition).Symbol is IPropertySymbol p && p.Name == "IsSupported" && Is(p, "ILGPU.Runtime.Cuda.CudaAsm");

        /// <summary>A method the generator translates as a helper: static, ordinary, declared in source.</summary>
        public static bool IsSourceHelper(IMethodSymbol? m) =>
            m != null && m.IsStatic && m.MethodKind == MethodKind.Ordinary && m.DeclaringSyntaxReferences.Length > 0;
    }
}
