using System.Collections.Generic;
using GpuEngine.Kernels.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator
{
    /// <summary>
    /// Walks an ILGPU kernel or helper body before translation and reports every construct the generator cannot express,
    /// at its own location (the Visit* overrides live in KernelRewriter.Diagnostics.cs). Emission runs only
    /// when this finds nothing, so the emitter can assume the supported subset.
    /// </summary>
    internal sealed partial class KernelRewriter : CSharpSyntaxWalker
    {
        private readonly SemanticModel _model;
        private readonly MethodDeclarationSyntax _method;
        private readonly bool _isKernel;
        private readonly List<Diagnostic> _diagnostics;

        public KernelRewriter(SemanticModel model, MethodDeclarationSyntax method, bool isKernel, List<Diagnostic> diagnostics)
        {
            _model = model;
            _method = method;
            _isKernel = isKernel;
            _diagnostics = diagnostics;
        }

        /// <summary>Checks the method's body (block or expression).</summary>
        public void Check()
        {
            if (_method.Body != null) Visit(_method.Body);
            if (_method.ExpressionBody != null) Visit(_method.ExpressionBody);
        }

        private void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params object[] args) =>
            _diagnostics.Add(Diagnostic.Create(descriptor, node.GetLocation(), args));

        /// <summary>Scalar types device code supports (locals, casts, helper parameters).</summary>
        internal static bool IsSupportedScalar(ITypeSymbol? type) =>
            type != null && CudaDialectTypes.Contains(type.SpecialType) && type.SpecialType != SpecialType.System_Void;

        private static readonly HashSet<SpecialType> CudaDialectTypes = new HashSet<SpecialType>(Emit.OpenClDialect.Instance.Types.Keys);

        /// <summary>Whether <paramref name="type"/> is GpuEngine.Kernels.View&lt;T&gt; (the CPU form of ArrayView&lt;T&gt;).</summary>
        internal static bool IsView(ITypeSymbol? type, out ITypeSymbol? element)
        {
            element = null;
            if (type is INamedTypeSymbol named && named.IsGenericType && named.Name == "View"
                && named.ContainingNamespace?.ToDisplayString() == "GpuEngine.Kernels")
            {
                element = named.TypeArguments[0];
                return true;
            }
            return false;
        }

        /// <summary>Whether <paramref name="method"/> is CpuGroup.Shared&lt;T&gt; (the CPU form of SharedMemory.Allocate).</summary>
        internal static bool IsGroupShared(IMethodSymbol? method) =>
            method != null && method.Name == "Shared" && method.ContainingType?.ToDisplayString() == "GpuEngine.Kernels.CpuGroup";

        /// <summary>Whether <paramref name="symbol"/> carries the attribute with the given full name.</summary>
        internal static bool HasAttribute(ISymbol symbol, string fullName)
        {
            foreach (var a in symbol.GetAttributes())
                if (a.AttributeClass?.ToDisplayString() == fullName) return true;
            return false;
        }

        /// <summary>The [DeviceIntrinsic] OpenCL template of <paramref name="symbol"/>, or null.</summary>
        internal static string? IntrinsicTemplate(ISymbol symbol)
        {
            foreach (var a in symbol.GetAttributes())
                if (a.AttributeClass?.ToDisplayString() == "GpuEngine.Kernels.DeviceIntrinsicAttribute" && a.ConstructorArguments.Length == 1)
                    return a.ConstructorArguments[0].Value as string;
            return null;
        }
    }
}
