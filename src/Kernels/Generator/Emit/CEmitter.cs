using System.Collections.Generic;
using System.Text;
using GpuEngine.Kernels.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>
    /// Writes OpenCL C (the <see cref="Dialect"/> table) for one kernel and the helpers it calls, reading the kernel's
    /// CPU form (the generator's C# translation of the ILGPU source). Assumes <see cref="KernelRewriter"/> accepted the
    /// ILGPU source; anything it still cannot express is reported as GPUE0013 instead of being emitted wrongly.
    /// </summary>
    internal sealed partial class CEmitter
    {
        private readonly Compilation _compilation;
        private readonly Dialect _dialect;
        private readonly Writability _writability;
        private readonly List<Diagnostic> _diagnostics;
        private readonly StringBuilder _out = new StringBuilder();
        private readonly HashSet<string> _macroNames = new HashSet<string>();
        private SemanticModel _model = null!;
        private int _indent;
        private bool _emittingKernel;

        /// <summary>Bytes of shared memory declared by the kernel last emitted.</summary>
        public int SharedMemoryBytes { get; private set; }

        public CEmitter(Compilation compilation, Dialect dialect, Writability writability, List<Diagnostic> diagnostics)
        {
            _compilation = compilation;
            _dialect = dialect;
            _writability = writability;
            _diagnostics = diagnostics;
        }

        /// <summary>The whole translation unit: prelude, specialization guards, helpers (callees first), the kernel.</summary>
        public string EmitUnit(IMethodSymbol kernel, MethodDeclarationSyntax kernelSyntax, string entryPoint,
            IReadOnlyList<(IMethodSymbol Symbol, MethodDeclarationSyntax Syntax)> helpers)
        {
            _out.Clear();
            _out.Append("// Generated from ").Append(kernel.ContainingType.ToDisplayString()).Append('.').Append(kernel.Name)
                .Append(" for ").Append(_dialect.Name).Append(". Do not edit.\n");
            _out.Append(_dialect.Prelude);
            _macroNames.Clear();
            foreach (var p in kernel.Parameters)
                if (KernelRewriter.HasAttribute(p, "GpuEngine.Kernels.SpecializeAttribute"))
                    _macroNames.Add(p.Name);
            foreach (var p in kernel.Parameters)
                if (KernelRewriter.HasAttribute(p, "GpuEngine.Kernels.SpecializeAttribute"))
                    _out.Append("#ifndef ").Append(p.Name).Append("\n#error \"specialized parameter ").Append(p.Name)
                        .Append(" needs -D ").Append(p.Name).Append("=value\"\n#endif\n");
            foreach (var helper in helpers) EmitHelper(helper.Symbol, helper.Syntax);
            EmitKernel(kernel, kernelSyntax, entryPoint);
            return _out.ToString();
        }

        /// <summary>Device name of a helper: TypeName_MethodName, unique within one kernel's unit.</summary>
        internal static string HelperName(IMethodSymbol helper) => helper.ContainingType.Name + "_" + helper.Name;

        private void EmitHelper(IMethodSymbol helper, MethodDeclarationSyntax syntax)
        {
            _model = _compilation.GetSemanticModel(syntax.SyntaxTree);
            var parameters = new List<string>();
            for (int i = 0; i < helper.Parameters.Length; i++)
            {
                var p = helper.Parameters[i];
                if (KernelRewriter.IsView(p.Type, out var element))
                {
                    parameters.Add(PointerType(element!, _writability.IsWritable(helper, i)) + " " + Name(p));
                    parameters.Add("int " + Name(p) + "_length");
                }
                else parameters.Add(Type(p.Type, syntax) + " " + Name(p));
            }
            _out.Append('\n').Append(_dialect.HelperQualifier).Append(Type(helper.ReturnType, syntax)).Append(' ')
                .Append(HelperName(helper)).Append('(').Append(string.Join(", ", parameters))
                .Append(TakesViews(helper) ? " GPUE_TALLY_PARAM" : "").Append(")\n{\n");
            _indent = 1;
            _emittingKernel = false;
            EmitBody(syntax, helper.ReturnsVoid);
            _out.Append("}\n");
        }

        private void EmitKernel(IMethodSymbol kernel, MethodDeclarationSyntax syntax, string entryPoint)
        {
            _model = _compilation.GetSemanticModel(syntax.SyntaxTree);
            SharedMemoryBytes = 0;
            var parameters = new List<string>();
            var prologue = new List<string>();
            for (int i = 1; i < kernel.Parameters.Length; i++)
            {
                var p = kernel.Parameters[i];
                if (KernelRewriter.IsView(p.Type, out var element))
                {
                    string pointer = PointerType(element!, _writability.IsWritable(kernel, i));
                    parameters.Add(pointer + " " + p.Name + "_base");
                    parameters.Add("int " + p.Name + "_offset");
                    parameters.Add("int " + Name(p) + "_length");
                    prologue.Add(pointer + " " + Name(p) + " = " + p.Name + "_base + " + p.Name + "_offset;");
                }
                else if (!KernelRewriter.HasAttribute(p, "GpuEngine.Kernels.SpecializeAttribute"))
                    parameters.Add(Type(p.Type, syntax) + " " + Name(p));
            }
            // The counting build appends the launch's byte total as the last argument (see the prelude).
            _out.Append('\n').Append(_dialect.KernelQualifier).Append(' ').Append(entryPoint).Append('(')
                .Append(string.Join(", ", parameters)).Append(parameters.Count > 0 ? " GPUE_TOTAL_PARAM" : "GPUE_TOTAL_PARAM_ALONE").Append(")\n{\n");
            _indent = 1;
            _emittingKernel = true;
            foreach (var line in prologue) Line(line);
            Line("GPUE_TALLY_BEGIN();");
            EmitBody(syntax, true);
            Line("GPUE_TALLY_FLUSH();");
            _out.Append("}\n");
        }

        /// <summary>
        /// Whether a helper takes views: only those can touch device memory, so only those get the work item's
        /// byte tally in the counting build.
        /// </summary>
        private static bool TakesViews(IMethodSymbol helper)
        {
            foreach (var p in helper.Parameters)
                if (KernelRewriter.IsView(p.Type, out _)) return true;
            return false;
        }

        private void EmitBody(MethodDeclarationSyntax syntax, bool returnsVoid)
        {
            if (syntax.Body != null)
                foreach (var statement in syntax.Body.Statements) EmitStatement(statement);
            else if (syntax.ExpressionBody != null)
                Line((returnsVoid ? "" : "return ") + Expr(syntax.ExpressionBody.Expression) + ";");
        }

        private string PointerType(ITypeSymbol element, bool writable) =>
            _dialect.GlobalSpace + (writable ? "" : "const ") + _dialect.TypeName(element) + "*";

        private string Type(ITypeSymbol type, SyntaxNode at)
        {
            var name = _dialect.TypeName(type);
            if (name != null) return name;
            Unsupported(at, type.ToDisplayString());
            return "int";
        }

        private void Line(string text) => _out.Append(' ', _indent * 4).Append(text).Append('\n');

        private void Unsupported(SyntaxNode node, string what) =>
            _diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedSyntax, node.GetLocation(), what));
    }
}
