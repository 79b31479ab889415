using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Emit
{
    // Expressions: constants are folded by Roslyn first (const fields, int.MaxValue, 1 << 4 ...), then
    // operators are parenthesised so C precedence can never differ from C#'s.
    internal sealed partial class CEmitter
    {
        private static readonly HashSet<string> Reserved = new HashSet<string>
        {
            "auto", "register", "signed", "unsigned", "union", "typedef", "extern", "inline", "restrict", "global", "local",
            "kernel", "constant", "private", "half", "uchar", "ushort", "uint", "ulong", "min", "max", "clamp", "exp", "log",
            "sqrt", "rsqrt", "floor", "ceil", "fabs", "fma", "abs", "dot", "select", "mix", "sign", "step", "length",
            "threadIdx", "blockIdx", "blockDim", "gridDim", "warpSize", "barrier", "atomicAdd", "atomic_add", "asm",
        };

        private static string Escape(string name) =>
            Reserved.Contains(name) || name.StartsWith("gpue", StringComparison.OrdinalIgnoreCase) || name.StartsWith("__", StringComparison.Ordinal)
                ? name + "_v" : name;

        /// <summary>
        /// Device name of a local or parameter. Names of the kernel's specialized scalars are -D macros in the
        /// whole unit, so a helper parameter or local with such a name is renamed too.
        /// </summary>
        private string Name(ISymbol symbol) => _macroNames.Contains(symbol.Name) ? symbol.Name + "_v" : Escape(symbol.Name);

        /// <summary><paramref name="expression"/> wrapped in parentheses once (for if/while/do conditions).</summary>
        private static string Parenthesized(string expression)
        {
            if (expression.Length < 2 || expression[0] != '(' || expression[expression.Length - 1] != ')') return "(" + expression + ")";
            int depth = 0;
            for (int i = 0; i < expression.Length - 1; i++)
            {
                if (expression[i] == '(') depth++;
                else if (expression[i] == ')') depth--;
                if (depth == 0) return "(" + expression + ")"; // the first group closes early: "(a) + (b)"
            }
            return expression;
        }

        private string Expr(ExpressionSyntax e)
        {
            var constant = _model.GetConstantValue(e);
            if (constant.HasValue) return Literal(constant.Value, e);
            switch (e)
            {
                case ParenthesizedExpressionSyntax p:
                    return "(" + Expr(p.Expression) + ")";
                case IdentifierNameSyntax id:
                    return Identifier(id);
                case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.UnsignedRightShiftExpression):
                    return "((int)((unsigned int)" + Expr(b.Left) + " >> " + Expr(b.Right) + "))";
                case BinaryExpressionSyntax b:
                    return "(" + Expr(b.Left) + " " + b.OperatorToken.Text + " " + Expr(b.Right) + ")";
                case AssignmentExpressionSyntax a when !a.IsKind(SyntaxKind.CoalesceAssignmentExpression) && !a.IsKind(SyntaxKind.UnsignedRightShiftAssignmentExpression):
                    return Expr(a.Left) + " " + a.OperatorToken.Text + " " + Expr(a.Right);
                case PrefixUnaryExpressionSyntax u:
                    return "(" + u.OperatorToken.Text + Expr(u.Operand) + ")";
                case PostfixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    return Expr(u.Operand);
                case PostfixUnaryExpressionSyntax u:
                    return Expr(u.Operand) + u.OperatorToken.Text;
                case ConditionalExpressionSyntax c:
                    return "(" + Expr(c.Condition) + " ? " + Expr(c.WhenTrue) + " : " + Expr(c.WhenFalse) + ")";
                case CastExpressionSyntax c:
                    return "((" + Type(_model.GetTypeInfo(c.Type).Type!, c.Type) + ")" + Expr(c.Expression) + ")";
                case ElementAccessExpressionSyntax ea when ea.ArgumentList.Arguments.Count == 1:
                    return ElementAccess(ea);
                case MemberAccessExpressionSyntax ma:
                    return MemberAccess(ma);
                case InvocationExpressionSyntax call:
                    return Invocation(call);
                default:
                    Unsupported(e, e.Kind().ToString());
                    return "0";
            }
        }

        private string Identifier(IdentifierNameSyntax id)
        {
            var symbol = _model.GetSymbolInfo(id).Symbol;
            switch (symbol)
            {
                // A specialized scalar is the -D macro of the same name: never renamed.
                case IParameterSymbol p when KernelRewriter.HasAttribute(p, "GpuEngine.Kernels.SpecializeAttribute"):
                    return p.Name;
                case IParameterSymbol p:
                    return Name(p);
                case ILocalSymbol l:
                    return Name(l);
                default:
                    Unsupported(id, id.Identifier.Text);
                    return "0";
            }
        }

        /// <summary>
        /// A view parameter's element is device memory, accessed through GPUE_AT so the counting build can tally
        /// it; a Group.Shared local (the only view local) is a plain array, never counted.
        /// </summary>
        private string ElementAccess(ElementAccessExpressionSyntax ea)
        {
            string view = Expr(ea.Expression), index = Expr(ea.ArgumentList.Arguments[0].Expression);
            return _model.GetSymbolInfo(ea.Expression).Symbol is ILocalSymbol ? view + "[" + index + "]" : "GPUE_AT(" + view + ", " + index + ")";
        }

        private string MemberAccess(MemberAccessExpressionSyntax ma)
        {
            var symbol = _model.GetSymbolInfo(ma).Symbol;
            if (symbol is IPropertySymbol property)
            {
                var template = KernelRewriter.IntrinsicTemplate(property);
                if (template != null) return template;
                if (property.Name == "Length" && KernelRewriter.IsView(property.ContainingType, out _) && ma.Expression is IdentifierNameSyntax view)
                    return Identifier(view) + "_length";
            }
            Unsupported(ma, ma.ToString());
            return "0";
        }

        private string Invocation(InvocationExpressionSyntax call)
        {
            var method = _model.GetSymbolInfo(call).Symbol as IMethodSymbol;
            if (method == null || KernelRewriter.IsGroupShared(method))
            {
                Unsupported(call, call.Expression.ToString());
                return "0";
            }
            var args = new List<string>();
            string? template = KernelRewriter.IntrinsicTemplate(method) ?? KnownMethods.Find(method, _dialect);
            foreach (var argument in call.ArgumentList.Arguments)
            {
                args.Add(Expr(argument.Expression));
                // A helper receives a view as pointer plus length.
                if (template == null && KernelRewriter.IsView(_model.GetTypeInfo(argument.Expression).Type, out _))
                    args.Add(args[args.Count - 1] + "_length");
            }
            if (template != null) return string.Format(CultureInfo.InvariantCulture, template, args.ToArray());
            return HelperName(method) + "(" + string.Join(", ", args) + (TakesViews(method) ? " GPUE_TALLY_ARG" : "") + ")";
        }

        private string Literal(object? value, SyntaxNode at)
        {
            var c = CultureInfo.InvariantCulture;
            switch (value)
            {
                case bool b: return b ? "true" : "false";
                case int i: return i == int.MinValue ? "(-2147483647 - 1)" : i < 0 ? "(" + i.ToString(c) + ")" : i.ToString(c);
                case uint u: return u.ToString(c) + "u";
                case long l: return l == long.MinValue ? "(-9223372036854775807" + _dialect.LongSuffix + " - 1)" : "(" + l.ToString(c) + _dialect.LongSuffix + ")";
                case ulong ul: return ul.ToString(c) + "u" + _dialect.LongSuffix;
                case sbyte or byte or short or ushort: return "(" + Convert.ToInt32(value, c).ToString(c) + ")";
                case float f when float.IsNaN(f): return "(0.0f / 0.0f)";
                case float f when float.IsPositiveInfinity(f): return "(1.0f / 0.0f)";
                case float f when float.IsNegativeInfinity(f): return "(-1.0f / 0.0f)";
                case float f:
                    string text = f.ToString("R", c);
                    if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0) text += ".0";
                    return f < 0 ? "(" + text + "f)" : text + "f";
                default:
                    Unsupported(at, value?.GetType().Name ?? "null");
                    return "0";
            }
        }
    }
}
