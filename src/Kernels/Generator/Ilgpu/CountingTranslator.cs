using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Ilgpu
{
    /// <summary>
    /// Writes the counting variant of an ILGPU kernel, still ILGPU C#: every element access through a view parameter
    /// adds the element's size to the work item's <c>long tally__</c> (<c>CountingTally.At</c>), helpers that take
    /// views get the tally by ref, and wherever the work item leaves the kernel the tally is added atomically to the
    /// extra last parameter <c>ArrayView&lt;long&gt; total__</c>. Shared memory is a local, never a parameter, so never counted.
    /// </summary>
    internal sealed class CountingTranslator : CSharpSyntaxRewriter
    {
        /// <summary>Namespace of the generated counting classes.</summary>
        public const string Namespace = "GpuEngine.Kernels.Counting";

        private const string Flush = "global::ILGPU.Atomic.Add(ref total__[0], tally__);";
        private readonly SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly bool _isKernel;

        private CountingTranslator(SemanticModel model, IMethodSymbol method, bool isKernel)
        {
            _model = model;
            _method = method;
            _isKernel = isKernel;
        }

        /// <summary>Whether a helper takes views, so has a counting variant taking the tally.</summary>
        public static bool TakesViews(IMethodSymbol m) => m.Parameters.Any(p => IlgpuApi.IsArrayView(p.Type, out _));

        /// <summary>The counting kernel's C#.</summary>
        public static string Kernel(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            var t = new CountingTranslator(model, method, isKernel: true);
            var s = new StringBuilder();
            s.Append("        public static void ").Append(method.Name).Append('(').Append(t.Parameters(method))
                .Append(", global::ILGPU.ArrayView<long> total__)\n        {\n            long tally__ = 0;\n");
            if (syntax.Body != null)
                foreach (var statement in syntax.Body.Statements) s.Append("            ").Append(t.Visit(statement)!.ToFullString().Trim()).Append('\n');
            else s.Append("            ").Append(t.Visit(syntax.ExpressionBody!.Expression)!.ToFullString().Trim()).Append(";\n");
            s.Append("            ").Append(Flush).Append("\n        }\n\n");
            return s.ToString();
        }

        /// <summary>The counting variant of a helper that takes views: the same body, the tally by ref last.</summary>
        public static string Helper(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            var t = new CountingTranslator(model, method, isKernel: false);
            var s = new StringBuilder();
            s.Append("        public static ").Append(method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).Append(' ')
                .Append(method.Name).Append('(').Append(t.Parameters(method)).Append(", ref long tally__)\n");
            if (syntax.Body != null) s.Append("        ").Append(t.Visit(syntax.Body)!.ToFullString().Trim()).Append("\n\n");
            else s.Append("            => ").Append(t.Visit(syntax.ExpressionBody!.Expression)!.ToFullString().Trim()).Append(";\n\n");
            return s.ToString();
        }

        private string Parameters(IMethodSymbol method) =>
            string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + " " + p.Name));

        private static ExpressionSyntax Parse(string text, SyntaxNode like) => SyntaxFactory.ParseExpression(text).WithTriviaFrom(like);

        public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node)
        {
            if (!_isKernel) return base.VisitReturnStatement(node);
            return SyntaxFactory.ParseStatement("{ " + Flush + " return; }").WithTriviaFrom(node);
        }

        public override SyntaxNode? VisitElementAccessExpression(ElementAccessExpressionSyntax node)
        {
            if (_model.GetSymbolInfo(node.Expression).Symbol is IParameterSymbol p && IlgpuApi.IsArrayView(p.Type, out var element)
                && SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, _method))
            {
                int bytes = element!.SpecialType == SpecialType.System_Single || element.SpecialType == SpecialType.System_Int32 ? 4
                    : element.SpecialType == SpecialType.System_Int64 ? 8 : element.SpecialType == SpecialType.System_Int16 ? 2 : 1;
                string index = Visit(node.ArgumentList.Arguments[0].Expression)!.ToString();
                return Parse(p.Name + "[global::GpuEngine.Kernels.CountingTally.At(ref tally__, " + index + ", " + bytes + ")]", node);
            }
            return base.VisitElementAccessExpression(node);
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            if (_model.GetSymbolInfo(node).Symbol is IMethodSymbol m && IlgpuApi.IsSourceHelper(m) && TakesViews(m))
            {
                var args = node.ArgumentList.Arguments.Select(a => Visit(a)!.ToString()).Concat(new[] { "ref tally__" });
                return Parse("global::" + Namespace + "." + m.ContainingType.Name + "." + m.Name + "(" + string.Join(", ", args) + ")", node);
            }
            return base.VisitInvocationExpression(node);
        }

        public override SyntaxNode? VisitGenericName(GenericNameSyntax node)
        {
            if (_model.GetSymbolInfo(node).Symbol is INamedTypeSymbol t)
                return SyntaxFactory.ParseTypeName(t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node);
            return base.VisitGenericName(node);
        }

        public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
        {
            if (node.IsVar || (node.Parent is MemberAccessExpressionSyntax access && access.Name == node)) return node;
            switch (_model.GetSymbolInfo(node).Symbol)
            {
                case IFieldSymbol f when f.IsStatic:
                    return Parse(f.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + f.Name, node);
                case IMethodSymbol m when m.IsStatic:
                    return Parse(m.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + m.Name, node);
                case INamedTypeSymbol t:
                    return SyntaxFactory.ParseTypeName(t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node);
                default:
                    return node;
            }
        }
    }
}
