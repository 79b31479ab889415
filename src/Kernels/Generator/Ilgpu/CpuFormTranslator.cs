using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Ilgpu
{
    /// <summary>
    /// Translates an ILGPU kernel or helper into its CPU form: C# over the cpu backend's types (View&lt;T&gt;,
    /// WorkItem, CpuGroup, CpuAtomic), with a parameter struct flattened into scalars (<c>p.Batch</c> becomes
    /// <c>p_Batch</c>) and a SpecializedValue&lt;T&gt; becoming a [Specialize] scalar named GPUE_S_name. The cpu backend
    /// runs that C#; the OpenCL emitter and the phase splitter read it. Assumes the checks on the ILGPU source passed.
    /// </summary>
    internal sealed class CpuFormTranslator : CSharpSyntaxRewriter
    {
        /// <summary>Namespace of the generated CPU-form classes (one per kernel-source class, same simple name).</summary>
        public const string Namespace = "GpuEngine.Kernels.CpuForm";

        private readonly SemanticModel _model;
        private readonly HashSet<IParameterSymbol> _specialized = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<IParameterSymbol> _structs = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);

        private CpuFormTranslator(SemanticModel model) => _model = model;

        /// <summary>The CPU-form C# of a kernel: <c>public static void Name(in WorkItem item__, ...)</c>.</summary>
        public static string Kernel(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax, IReadOnlyList<IlgpuParameter> parameters)
        {
            var t = new CpuFormTranslator(model);
            var list = new List<string> { "in global::GpuEngine.Kernels.WorkItem " + IlgpuApi.Item };
            foreach (var p in parameters)
            {
                switch (p.Kind)
                {
                    case IlgpuParameterKind.View: list.Add("global::GpuEngine.Kernels.View<" + p.Type + "> " + p.Name); break;
                    case IlgpuParameterKind.Scalar: list.Add(p.Type + " " + p.Name); break;
                    case IlgpuParameterKind.Struct:
                        t._structs.Add(p.Symbol);
                        list.AddRange(p.Fields.Select(f => f.Type + " " + p.Name + "_" + f.Name));
                        break;
                    default:
                        t._specialized.Add(p.Symbol);
                        list.Add("[global::GpuEngine.Kernels.Specialize] " + p.Type + " " + IlgpuApi.SpecializedPrefix + p.Name);
                        break;
                }
            }
            return t.Method("void", method.Name, list, syntax, null);
        }

        /// <summary>The CPU-form C# of a helper (marked [KernelHelper] so the OpenCL emitter collects it).</summary>
        public static string Helper(SemanticModel model, IMethodSymbol method, MethodDeclarationSyntax syntax)
        {
            var t = new CpuFormTranslator(model);
            var list = method.Parameters.Select(p => t.TypeName(p.Type) + " " + p.Name).ToList();
            return t.Method(t.TypeName(method.ReturnType), method.Name, list, syntax, "[global::GpuEngine.Kernels.KernelHelper]");
        }

        private string Method(string returnType, string name, List<string> parameters, MethodDeclarationSyntax syntax, string? attribute)
        {
            var s = new StringBuilder();
            if (attribute != null) s.Append("        ").Append(attribute).Append('\n');
            s.Append("        public static ").Append(returnType).Append(' ').Append(name).Append('(').Append(string.Join(", ", parameters)).Append(")\n");
            if (syntax.Body != null) s.Append("        ").Append(Visit(syntax.Body)!.ToFullString().Trim()).Append("\n\n");
            else s.Append("            => ").Append(Visit(syntax.ExpressionBody!.Expression)!.ToFullString().Trim()).Append(";\n\n");
            return s.ToString();
        }

        private string TypeName(ITypeSymbol type) =>
            IlgpuApi.IsArrayView(type, out var element) ? "global::GpuEngine.Kernels.View<" + element!.ToDisplayString() + ">"
            : type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        private static ExpressionSyntax Parse(string text, SyntaxNode like) => SyntaxFactory.ParseExpression(text).WithTriviaFrom(like);

        private string Text(SyntaxNode node) => Visit(node)!.ToString();

        public override SyntaxNode? VisitIfStatement(IfStatementSyntax node)
        {
            if (!IlgpuApi.IsCudaAsmSupported(_model, node.Condition)) return base.VisitIfStatement(node);
            // CudaAsm.IsSupported is false off CUDA: only the portable branch exists here.
            return node.Else != null ? Visit(node.Else.Statement) : SyntaxFactory.Block().WithTriviaFrom(node);
        }

        public override SyntaxNode? VisitGenericName(GenericNameSyntax node)
        {
            if (_model.GetSymbolInfo(node).Symbol is INamedTypeSymbol t)
                return SyntaxFactory.ParseTypeName(TypeName(t)).WithTriviaFrom(node);
            return base.VisitGenericName(node);
        }

        public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
        {
            if (node.IsVar) return node;
            var symbol = _model.GetSymbolInfo(node).Symbol;
            switch (symbol)
            {
                case IParameterSymbol p when _specialized.Contains(p):
                    return Parse(IlgpuApi.SpecializedPrefix + p.Name, node);
                case IFieldSymbol f when f.IsStatic:
                    return Parse(f.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + f.Name, node);
                case IMethodSymbol m when IlgpuApi.IsSourceHelper(m):
                    return Parse(HelperName(m), node);
                case INamedTypeSymbol t:
                    return SyntaxFactory.ParseTypeName(TypeName(t)).WithTriviaFrom(node);
                default:
                    return node;
            }
        }

        /// <summary>The CPU form's name of a source helper.</summary>
        public static string HelperName(IMethodSymbol m) => "global::" + Namespace + "." + m.ContainingType.Name + "." + m.Name;

        public override SyntaxNode? VisitMemberAccessExpression(MemberAccessExpressionSyntax node)
        {
            var symbol = _model.GetSymbolInfo(node).Symbol;
            var target = _model.GetSymbolInfo(node.Expression).Symbol;
            var index = IlgpuApi.IndexKey(symbol);
            if (index != null && IlgpuApi.Indices.TryGetValue(index, out var member))
                return Parse(IlgpuApi.Item + "." + member, node);
            if (IlgpuApi.IndexKey(target) == "Grid.GlobalIndex" && IlgpuApi.GlobalIndex.TryGetValue(node.Name.Identifier.Text, out var global))
                return Parse(IlgpuApi.Item + "." + global, node);
            if (target is IParameterSymbol sp && _specialized.Contains(sp) && node.Name.Identifier.Text == "Value")
                return Parse(IlgpuApi.SpecializedPrefix + sp.Name, node);
            if (target is IParameterSymbol st && _structs.Contains(st))
                return Parse(st.Name + "_" + node.Name.Identifier.Text, node);
            if (symbol is IPropertySymbol p && IlgpuApi.IsArrayView(p.ContainingType, out _) && (p.Name == "Length" || p.Name == "IntLength"))
                return Parse(Text(node.Expression) + ".Length", node);
            if (symbol is IPropertySymbol supported && supported.Name == "IsSupported" && IlgpuApi.Is(supported, "ILGPU.Runtime.Cuda.CudaAsm"))
                return Parse("false", node);
            if (symbol is IFieldSymbol f && f.IsStatic)
                return Parse(f.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + f.Name, node);
            if (symbol is IMethodSymbol m && IlgpuApi.IsSourceHelper(m))
                return Parse(HelperName(m), node);
            return base.VisitMemberAccessExpression(node);
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var m = _model.GetSymbolInfo(node).Symbol as IMethodSymbol;
            var args = node.ArgumentList.Arguments;
            if (IlgpuApi.IsSharedAllocate(m))
                return Parse("global::GpuEngine.Kernels.CpuGroup.Shared<" + m!.TypeArguments[0].ToDisplayString() + ">(" + Text(args[0].Expression) + ")", node);
            if (IlgpuApi.IsBarrier(m))
                return Parse("global::GpuEngine.Kernels.CpuGroup.Barrier()", node);
            if (IlgpuApi.IsAtomic(m) && args[0].Expression is ElementAccessExpressionSyntax element)
                return Parse("global::GpuEngine.Kernels.CpuAtomic." + m!.Name + "(" + Text(element.Expression) + ", "
                    + Text(element.ArgumentList.Arguments[0].Expression) + ", " + Text(args[1].Expression) + ")", node);
            if (IlgpuApi.IsXMath(m))
                return Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, IlgpuApi.XMath[m!.Name],
                    args.Select(a => (object)Text(a.Expression)).ToArray()), node);
            if (m != null && m.IsStatic && (IlgpuApi.Is(m, "System.Math") || IlgpuApi.Is(m, "System.MathF")))
                return Parse("global::" + m.ContainingType.ToDisplayString() + "." + m.Name + "(" + string.Join(", ", args.Select(a => Text(a))) + ")", node);
            return base.VisitInvocationExpression(node);
        }
    }
}
