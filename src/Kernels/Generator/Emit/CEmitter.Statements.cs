using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Emit
{
    // Statements: C has every supported C# statement with the same meaning, so this is mostly spelling.
    internal sealed partial class CEmitter
    {
        private void EmitStatement(StatementSyntax statement)
        {
            switch (statement)
            {
                case BlockSyntax block:
                    Line("{");
                    _indent++;
                    foreach (var s in block.Statements) EmitStatement(s);
                    _indent--;
                    Line("}");
                    break;
                case LocalDeclarationStatementSyntax local when local.Declaration.Variables.Count == 1 && IsSharedDeclaration(local.Declaration.Variables[0], out var element, out int length):
                    string name = Name(_model.GetDeclaredSymbol(local.Declaration.Variables[0])!);
                    Line(_dialect.SharedQualifier + _dialect.TypeName(element!) + " " + name + "[" + length + "];");
                    Line("const int " + name + "_length = " + length + ";");
                    SharedMemoryBytes += length * ElementBytes(element!);
                    break;
                case LocalDeclarationStatementSyntax local:
                    Line(Declaration(local.Declaration) + ";");
                    break;
                case ExpressionStatementSyntax expression:
                    Line(Expr(expression.Expression) + ";");
                    break;
                case IfStatementSyntax ifStatement:
                    Line("if " + Parenthesized(Expr(ifStatement.Condition)));
                    EmitEmbedded(ifStatement.Statement);
                    if (ifStatement.Else != null)
                    {
                        Line("else");
                        EmitEmbedded(ifStatement.Else.Statement);
                    }
                    break;
                case ForStatementSyntax forStatement:
                    string init = forStatement.Declaration != null ? Declaration(forStatement.Declaration)
                        : string.Join(", ", Map(forStatement.Initializers));
                    string condition = forStatement.Condition != null ? Expr(forStatement.Condition) : "";
                    Line("for (" + init + "; " + condition + "; " + string.Join(", ", Map(forStatement.Incrementors)) + ")");
                    EmitEmbedded(forStatement.Statement);
                    break;
                case WhileStatementSyntax whileStatement:
                    Line("while " + Parenthesized(Expr(whileStatement.Condition)));
                    EmitEmbedded(whileStatement.Statement);
                    break;
                case DoStatementSyntax doStatement:
                    Line("do");
                    EmitEmbedded(doStatement.Statement);
                    Line("while " + Parenthesized(Expr(doStatement.Condition)) + ";");
                    break;
                case BreakStatementSyntax:
                    Line("break;");
                    break;
                case ContinueStatementSyntax:
                    Line("continue;");
                    break;
                case ReturnStatementSyntax ret:
                    // A work item leaving the kernel adds its tally to the launch total (counting build only).
                    if (_emittingKernel) Line("GPUE_TALLY_FLUSH();");
                    Line(ret.Expression != null ? "return " + Expr(ret.Expression) + ";" : "return;");
                    break;
                case EmptyStatementSyntax:
                    break;
                default:
                    Unsupported(statement, statement.Kind().ToString());
                    break;
            }
        }

        /// <summary>Bodies of if/for/while always get braces, so nested else binding never changes.</summary>
        private void EmitEmbedded(StatementSyntax statement)
        {
            if (statement is BlockSyntax) EmitStatement(statement);
            else
            {
                Line("{");
                _indent++;
                EmitStatement(statement);
                _indent--;
                Line("}");
            }
        }

        private string Declaration(VariableDeclarationSyntax declaration)
        {
            var type = _model.GetTypeInfo(declaration.Type).Type!;
            var parts = new System.Collections.Generic.List<string>();
            foreach (var v in declaration.Variables)
                parts.Add(Name(_model.GetDeclaredSymbol(v)!) + (v.Initializer != null ? " = " + Expr(v.Initializer.Value) : ""));
            return Type(type, declaration.Type) + " " + string.Join(", ", parts);
        }

        private System.Collections.Generic.IEnumerable<string> Map(SeparatedSyntaxList<ExpressionSyntax> expressions)
        {
            foreach (var e in expressions) yield return Expr(e);
        }

        private bool IsSharedDeclaration(VariableDeclaratorSyntax declarator, out ITypeSymbol? element, out int length)
        {
            element = null;
            length = 0;
            if (!(declarator.Initializer?.Value is InvocationExpressionSyntax call)) return false;
            var method = _model.GetSymbolInfo(call).Symbol as IMethodSymbol;
            if (!KernelRewriter.IsGroupShared(method) || !(_model.GetConstantValue(call.ArgumentList.Arguments[0].Expression).Value is int n))
                return false;
            element = method!.TypeArguments[0];
            length = n;
            return true;
        }

        private static int ElementBytes(ITypeSymbol element) => element.SpecialType switch
        {
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Boolean => 1,
            SpecialType.System_Int16 or SpecialType.System_UInt16 => 2,
            SpecialType.System_Int64 or SpecialType.System_UInt64 => 8,
            _ => 4,
        };
    }
}
