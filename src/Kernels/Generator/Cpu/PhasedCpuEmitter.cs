using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Cpu
{
    /// <summary>
    /// Writes a C# "whole group" version of a barrier kernel for the CPU backend, the way PoCL runs OpenCL on
    /// CPUs: the body is cut at each barrier into phases, each phase runs as a loop over the group's work
    /// items, and locals that live across phases become per-item arrays. Barriers must sit at the top level of
    /// the body or at the top level of for-loops whose header is uniform (reads only scalars, constants and
    /// its own variable). Anything else (a barrier under an if, a return, break/continue of a split loop)
    /// returns null, and the CPU backend falls back to one thread per work item.
    /// </summary>
    internal sealed class PhasedCpuEmitter
    {
        private readonly SemanticModel _model;
        private readonly IMethodSymbol _kernel;
        private readonly HashSet<ISymbol> _hoisted = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _uniform = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly StringBuilder _declarations = new StringBuilder();
        private readonly StringBuilder _body = new StringBuilder();
        private bool _failed;
        private int _sharedSlots;

        private PhasedCpuEmitter(SemanticModel model, IMethodSymbol kernel)
        {
            _model = model;
            _kernel = kernel;
        }

        /// <summary>The text of a static method <c>void name(in WorkItem group__, kernel parameters...)</c>, or null when the kernel does not fit.</summary>
        public static string? TryEmit(SemanticModel model, IMethodSymbol kernel, MethodDeclarationSyntax syntax, string name)
        {
            if (syntax.Body == null || syntax.Body.DescendantNodes().Any(n => n is ReturnStatementSyntax)) return null;
            var emitter = new PhasedCpuEmitter(model, kernel);
            emitter.EmitStatements(syntax.Body.Statements, 2);
            if (emitter._failed) return null;

            var parameters = kernel.Parameters.Skip(1).Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + " " + p.Name);
            var s = new StringBuilder();
            s.Append("        private static void ").Append(name).Append("(in global::GpuEngine.Kernels.WorkItem group__, ")
                .Append(string.Join(", ", parameters)).Append(")\n        {\n");
            s.Append("            int count__ = group__.GroupSizeX * group__.GroupSizeY * group__.GroupSizeZ;\n");
            // Per-thread scratch, not new arrays: a steady-state launch must not allocate per group.
            s.Append("            var items__ = global::GpuEngine.Kernels.CpuScratch<global::GpuEngine.Kernels.WorkItem>.Get(0, count__);\n");
            s.Append("            for (int i__ = 0; i__ < count__; i__++)\n");
            s.Append("                items__[i__] = group__ with { LocalX = i__ % group__.GroupSizeX, LocalY = i__ / group__.GroupSizeX % group__.GroupSizeY, LocalZ = i__ / (group__.GroupSizeX * group__.GroupSizeY) };\n");
            s.Append(emitter._declarations).Append(emitter._body).Append("        }\n\n");
            return s.ToString();
        }

        private void EmitStatements(SyntaxList<StatementSyntax> statements, int indent)
        {
            var phase = new List<StatementSyntax>();
            foreach (var statement in statements)
            {
                if (IsBarrier(statement))
                    Flush(phase, indent);
                else if (statement is LocalDeclarationStatementSyntax local && SharedLength(local, out var element, out int length))
                {
                    Flush(phase, indent);
                    var v = local.Declaration.Variables[0];
                    _uniform.Add(_model.GetDeclaredSymbol(v)!);
                    Line(indent, "global::GpuEngine.Kernels.View<" + element + "> " + v.Identifier.Text + " = global::GpuEngine.Kernels.View<" + element + ">.GroupShared(" + length + ", " + _sharedSlots++ + ");");
                }
                else if (statement is ForStatementSyntax loop && ContainsBarrier(loop))
                {
                    Flush(phase, indent);
                    EmitSplitLoop(loop, indent);
                }
                else if (statement is LocalDeclarationStatementSyntax uniform && IsUniformDeclaration(uniform))
                {
                    // Same value for every item and never reassigned: one group-level local instead of an array.
                    // It reads only earlier uniform values, so moving it ahead of the pending phase keeps its meaning.
                    foreach (var v in uniform.Declaration.Variables) _uniform.Add(_model.GetDeclaredSymbol(v)!);
                    var type = _model.GetTypeInfo(uniform.Declaration.Type).Type!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                    var rewriter = new ItemRewriter(this, groupLevel: true);
                    Line(indent, type + " " + string.Join(", ", uniform.Declaration.Variables.Select(v =>
                        v.Identifier.Text + " = " + rewriter.Visit(v.Initializer!.Value).ToString())) + ";");
                }
                else if (ContainsBarrier(statement))
                    _failed = true;
                else
                    phase.Add(statement);
            }
            Flush(phase, indent);
        }

        private void EmitSplitLoop(ForStatementSyntax loop, int indent)
        {
            if (loop.Declaration == null || loop.Initializers.Count > 0)
            {
                _failed = true;
                return;
            }
            foreach (var v in loop.Declaration.Variables) _uniform.Add(_model.GetDeclaredSymbol(v)!);
            var header = new SyntaxNode?[] { loop.Declaration, loop.Condition }.Concat(loop.Incrementors);
            if (header.Any(h => h != null && !IsUniform(h)) || BreaksOutOf(loop))
            {
                _failed = true;
                return;
            }
            var rewriter = new ItemRewriter(this, groupLevel: true);
            Line(indent, "for (" + rewriter.Visit(loop.Declaration).ToString() + "; " + (loop.Condition != null ? rewriter.Visit(loop.Condition).ToString() : "")
                + "; " + string.Join(", ", loop.Incrementors.Select(i => rewriter.Visit(i).ToString())) + ")");
            Line(indent, "{");
            EmitStatements(loop.Statement is BlockSyntax block ? block.Statements : new SyntaxList<StatementSyntax>(loop.Statement), indent + 1);
            Line(indent, "}");
        }

        /// <summary>One phase: the statements between two barriers, run for every work item in turn.</summary>
        private void Flush(List<StatementSyntax> phase, int indent)
        {
            if (phase.Count == 0) return;
            Line(indent, "for (int i__ = 0; i__ < count__; i__++)");
            Line(indent, "{");
            var rewriter = new ItemRewriter(this, groupLevel: false);
            foreach (var statement in phase)
            {
                if (statement is LocalDeclarationStatementSyntax local)
                {
                    // Locals declared between barriers may be read after one: one slot per work item.
                    var type = _model.GetTypeInfo(local.Declaration.Type).Type!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                    foreach (var v in local.Declaration.Variables)
                    {
                        var symbol = _model.GetDeclaredSymbol(v)!;
                        if (_hoisted.Add(symbol))
                            Line(2, type + "[] " + v.Identifier.Text + " = global::GpuEngine.Kernels.CpuScratch<" + type + ">.Get(" + _hoisted.Count + ", count__);", _declarations);
                        if (v.Initializer != null)
                            Line(indent + 1, v.Identifier.Text + "[i__] = " + rewriter.Visit(v.Initializer.Value).ToString() + ";");
                    }
                }
                else Line(indent + 1, rewriter.Visit(statement).ToFullString().Trim());
            }
            Line(indent, "}");
            phase.Clear();
        }

        private bool IsBarrier(StatementSyntax statement) =>
            statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } && IsBarrierCall(call);

        private bool IsBarrierCall(InvocationExpressionSyntax call) =>
            _model.GetSymbolInfo(call).Symbol is IMethodSymbol m && m.Name == "Barrier" && m.ContainingType?.ToDisplayString() == "GpuEngine.Kernels.CpuGroup";

        private bool ContainsBarrier(SyntaxNode node) => node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(IsBarrierCall);

        private bool SharedLength(LocalDeclarationStatementSyntax local, out string element, out int length)
        {
            element = "";
            length = 0;
            if (local.Declaration.Variables.Count != 1 || !(local.Declaration.Variables[0].Initializer?.Value is InvocationExpressionSyntax call)) return false;
            if (!(_model.GetSymbolInfo(call).Symbol is IMethodSymbol m) || !KernelRewriter.IsGroupShared(m)) return false;
            if (!(_model.GetConstantValue(call.ArgumentList.Arguments[0].Expression).Value is int n)) return false;
            element = m.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            length = n;
            return true;
        }

        private static readonly HashSet<string> GroupMembers = new HashSet<string>
        {
            "GroupX", "GroupY", "GroupZ", "GroupSizeX", "GroupSizeY", "GroupSizeZ", "GroupCountX", "GroupCountY", "GroupCountZ",
            "GlobalSizeX", "GlobalSizeY", "GlobalSizeZ", "GroupVolume",
        };

        private bool IsWorkItem(ISymbol? symbol) => SymbolEqualityComparer.Default.Equals(symbol, _kernel.Parameters[0]);

        /// <summary>A declaration whose every initializer is uniform, calls nothing with effects, and whose locals are never reassigned.</summary>
        private bool IsUniformDeclaration(LocalDeclarationStatementSyntax local)
        {
            foreach (var v in local.Declaration.Variables)
            {
                if (v.Initializer == null || !IsUniform(v.Initializer.Value) || ContainsBarrier(v.Initializer)) return false;
                foreach (var call in v.Initializer.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var type = (_model.GetSymbolInfo(call).Symbol as IMethodSymbol)?.ContainingType?.ToDisplayString();
                    if (type != "System.Math" && type != "System.MathF" && type != "GpuEngine.Kernels.DeviceMath") return false;
                }
                var symbol = _model.GetDeclaredSymbol(v)!;
                var body = local.Ancestors().OfType<MethodDeclarationSyntax>().First();
                foreach (var node in body.DescendantNodes())
                {
                    ExpressionSyntax? target = node switch
                    {
                        AssignmentExpressionSyntax a => a.Left,
                        PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression) => u.Operand,
                        PostfixUnaryExpressionSyntax u => u.Operand,
                        _ => null,
                    };
                    if (target != null && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(target).Symbol, symbol)) return false;
                }
            }
            return true;
        }

        /// <summary>Whether every name in <paramref name="node"/> is the same for all work items of a group.</summary>
        private bool IsUniform(SyntaxNode node) => node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().All(id =>
        {
            var symbol = _model.GetSymbolInfo(id).Symbol;
            if (IsWorkItem(symbol))
                return id.Parent is MemberAccessExpressionSyntax access && access.Expression == id && GroupMembers.Contains(access.Name.Identifier.Text);
            return symbol switch
            {
                IParameterSymbol => true,
                ILocalSymbol l => _uniform.Contains(l),
                null => true, // the 'var' keyword in a declaration
                _ => true,    // types, constants, methods: the same everywhere
            };
        });

        /// <summary>Whether a break or continue inside <paramref name="loop"/> targets that loop itself.</summary>
        private static bool BreaksOutOf(ForStatementSyntax loop) =>
            loop.Statement.DescendantNodesAndSelf().Where(n => n is BreakStatementSyntax || n is ContinueStatementSyntax)
                .Any(n => n.Ancestors().First(a => a is ForStatementSyntax || a is WhileStatementSyntax || a is DoStatementSyntax) == loop);

        private void Line(int indent, string text) => _body.Append(' ', indent * 4).Append(text).Append('\n');
        private static void Line(int indent, string text, StringBuilder into) => into.Append(' ', indent * 4).Append(text).Append('\n');

        /// <summary>Rewrites a statement for the per-item loop: hoisted locals and the WorkItem get [i__], other names get fully qualified.</summary>
        private sealed class ItemRewriter : CSharpSyntaxRewriter
        {
            private readonly PhasedCpuEmitter _owner;
            private readonly bool _groupLevel;

            /// <summary>At group level (uniform code outside the item loops) the WorkItem is the group template.</summary>
            public ItemRewriter(PhasedCpuEmitter owner, bool groupLevel)
            {
                _owner = owner;
                _groupLevel = groupLevel;
            }

            public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
            {
                if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node) return node;
                var symbol = _owner._model.GetSymbolInfo(node).Symbol;
                string? replacement = symbol switch
                {
                    ILocalSymbol l when _owner._hoisted.Contains(l) => node.Identifier.Text + "[i__]",
                    IParameterSymbol p when _owner.IsWorkItem(p) => _groupLevel ? "group__" : "items__[i__]",
                    INamedTypeSymbol t when !node.IsVar => t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    IFieldSymbol f when f.IsStatic => f.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + f.Name,
                    IMethodSymbol m when m.IsStatic => m.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + m.Name,
                    _ => null,
                };
                return replacement == null ? node : SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(node);
            }
        }
    }
}
