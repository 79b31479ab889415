using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>
    /// Which view parameters a kernel or helper writes: directly (assignment, ++/--), through an Atomic
    /// call, or by handing the view to a helper that writes it. Unwritten views become const pointers, which
    /// lets the device compiler cache loads, and the descriptor tells backends which buffers a kernel modifies.
    /// </summary>
    internal sealed class Writability
    {
        private readonly Compilation _compilation;
        private readonly Dictionary<IMethodSymbol, HashSet<int>> _written = new Dictionary<IMethodSymbol, HashSet<int>>(SymbolEqualityComparer.Default);

        public Writability(Compilation compilation) => _compilation = compilation;

        /// <summary>Whether parameter <paramref name="ordinal"/> of <paramref name="method"/> is written.</summary>
        public bool IsWritable(IMethodSymbol method, int ordinal) => Written(method).Contains(ordinal);

        private HashSet<int> Written(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            if (_written.TryGetValue(method, out var known)) return known;
            var written = new HashSet<int>();
            _written[method] = written; // placed before the walk so (rejected) recursion cannot loop
            if (method.DeclaringSyntaxReferences.Length == 0) return written;
            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
            foreach (var node in syntax.DescendantNodes())
            {
                if (node is ElementAccessExpressionSyntax access && IsWriteTarget(access) && ViewParameter(model, access.Expression, method) is int target)
                    written.Add(target);
                else if (node is InvocationExpressionSyntax call && model.GetSymbolInfo(call).Symbol is IMethodSymbol callee)
                {
                    var arguments = call.ArgumentList.Arguments;
                    for (int i = 0; i < arguments.Count && i < callee.Parameters.Length; i++)
                    {
                        if (!(ViewParameter(model, arguments[i].Expression, method) is int passed)) continue;
                        bool atomic = callee.ContainingType?.ToDisplayString() == "GpuEngine.Kernels.CpuAtomic";
                        bool helperWrites = KernelRewriter.HasAttribute(callee, "GpuEngine.Kernels.KernelHelperAttribute") && IsWritable(callee, i);
                        if (atomic || helperWrites) written.Add(passed);
                    }
                }
            }
            return written;
        }

        private static bool IsWriteTarget(ExpressionSyntax node) => node.Parent switch
        {
            AssignmentExpressionSyntax a => a.Left == node,
            PrefixUnaryExpressionSyntax u => u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax u => u.IsKind(SyntaxKind.PostIncrementExpression) || u.IsKind(SyntaxKind.PostDecrementExpression),
            _ => false,
        };

        private static int? ViewParameter(SemanticModel model, ExpressionSyntax expression, IMethodSymbol method) =>
            model.GetSymbolInfo(expression).Symbol is IParameterSymbol p && KernelRewriter.IsView(p.Type, out _)
                && SymbolEqualityComparer.Default.Equals(p.ContainingSymbol.OriginalDefinition, method) ? p.Ordinal : (int?)null;
    }
}
