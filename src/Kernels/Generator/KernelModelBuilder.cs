using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GpuEngine.Kernels.Generator.Diagnostics;
using GpuEngine.Kernels.Generator.Emit;
using GpuEngine.Kernels.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator
{
    /// <summary>Checks one [Kernel] method (signature, body, helpers it reaches) and translates it to both dialects.</summary>
    internal static class KernelModelBuilder
    {
        private const string HelperAttribute = "GpuEngine.Kernels.KernelHelperAttribute";
        private const string SpecializeAttribute = "GpuEngine.Kernels.SpecializeAttribute";

        public static KernelModel Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
        {
            var method = (IMethodSymbol)context.TargetSymbol;
            var syntax = (MethodDeclarationSyntax)context.TargetNode;
            var compilation = context.SemanticModel.Compilation;
            var model = new KernelModel
            {
                ContainingType = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                TypeName = method.ContainingType.Name,
                MethodName = method.Name,
            };
            var entry = context.Attributes[0].NamedArguments.FirstOrDefault(a => a.Key == "EntryPoint").Value.Value as string;
            model.EntryPoint = entry ?? method.ContainingType.Name + "_" + method.Name;

            CheckMethodShape(method, syntax, requireVoid: true, model.Diagnostics);
            CheckSignature(method, syntax, model.Diagnostics);
            new KernelRewriter(context.SemanticModel, syntax, isKernel: true, model.Diagnostics).Check();
            var helpers = new List<(IMethodSymbol, MethodDeclarationSyntax)>();
            CollectHelpers(compilation, method, syntax, new List<IMethodSymbol>(), helpers, model.Diagnostics);
            model.UsesBarrier = CallsBarrier(compilation, syntax) || helpers.Any(h => CallsBarrier(compilation, h.Item2));
            if (model.HasErrors) return model;
            cancellation.ThrowIfCancellationRequested();

            var writability = new Writability(compilation);
            for (int i = 1; i < method.Parameters.Length; i++)
            {
                var p = method.Parameters[i];
                bool isView = KernelRewriter.IsView(p.Type, out var element);
                model.Parameters.Add(new ParameterModel(p.Name, isView, (isView ? element! : p.Type).ToDisplayString(),
                    isView && writability.IsWritable(method, i), KernelRewriter.HasAttribute(p, SpecializeAttribute)));
            }
            if (model.UsesBarrier && helpers.All(h => !CallsBarrier(compilation, h.Item2)))
                model.CpuGroupMethod = Cpu.PhasedCpuEmitter.TryEmit(context.SemanticModel, method, syntax, "Group_" + model.EntryPoint);
            var cuda = new CEmitter(compilation, CudaDialect.Instance, writability, model.Diagnostics);
            model.CudaSource = cuda.EmitUnit(method, syntax, model.EntryPoint, helpers);
            model.SharedMemoryBytes = cuda.SharedMemoryBytes;
            model.OpenClSource = new CEmitter(compilation, OpenClDialect.Instance, writability, model.Diagnostics)
                .EmitUnit(method, syntax, model.EntryPoint, helpers);
            return model;
        }

        private static void CheckMethodShape(IMethodSymbol method, MethodDeclarationSyntax syntax, bool requireVoid, List<Diagnostic> diagnostics)
        {
            bool hidden = method.DeclaredAccessibility == Accessibility.Private
                || (method.ContainingType.DeclaredAccessibility == Accessibility.Private && method.ContainingType.ContainingType != null);
            if (!method.IsStatic || method.IsGenericMethod || hidden || (requireVoid && !method.ReturnsVoid) || (syntax.Body == null && syntax.ExpressionBody == null))
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidKernelMethod, syntax.Identifier.GetLocation(), method.Name));
            foreach (var p in method.Parameters)
                if (p.RefKind != RefKind.None)
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.RefUse, p.Locations[0]));
        }

        private static void CheckSignature(IMethodSymbol method, MethodDeclarationSyntax syntax, List<Diagnostic> diagnostics)
        {
            var ps = method.Parameters;
            if (ps.Length == 0 || ps[0].Type.ToDisplayString() != "GpuEngine.Kernels.WorkItem")
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidKernelSignature, syntax.ParameterList.GetLocation(), method.Name, "the first parameter must be a WorkItem"));
                return;
            }
            bool seenScalar = false;
            for (int i = 1; i < ps.Length; i++)
            {
                var p = ps[i];
                bool specialized = KernelRewriter.HasAttribute(p, SpecializeAttribute);
                if (KernelRewriter.IsView(p.Type, out var element))
                {
                    if (seenScalar)
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidKernelSignature, p.Locations[0], method.Name, "view '" + p.Name + "' after a scalar"));
                    if (!IsDescriptorType(element!))
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, p.Locations[0], p.Type.ToDisplayString()));
                    if (specialized)
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidSpecialize, p.Locations[0], p.Name));
                }
                else if (p.Type.SpecialType == SpecialType.System_Int32 || p.Type.SpecialType == SpecialType.System_Single)
                    seenScalar = true;
                else if (specialized)
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidSpecialize, p.Locations[0], p.Name));
                else
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, p.Locations[0], p.Type.ToDisplayString()));
            }
        }

        /// <summary>Element types a KernelDescriptor can describe.</summary>
        internal static bool IsDescriptorType(ITypeSymbol t) => t.SpecialType == SpecialType.System_Single || t.SpecialType == SpecialType.System_Int32
            || t.SpecialType == SpecialType.System_SByte || t.SpecialType == SpecialType.System_Byte;

        /// <summary>Depth-first walk over [KernelHelper] calls: callees land in <paramref name="ordered"/> before callers (C needs that order).</summary>
        private static void CollectHelpers(Compilation compilation, IMethodSymbol caller, MethodDeclarationSyntax callerSyntax, List<IMethodSymbol> stack,
            List<(IMethodSymbol, MethodDeclarationSyntax)> ordered, List<Diagnostic> diagnostics)
        {
            stack.Add(caller);
            var model = compilation.GetSemanticModel(callerSyntax.SyntaxTree);
            foreach (var call in callerSyntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (!(model.GetSymbolInfo(call).Symbol is IMethodSymbol callee) || !KernelRewriter.HasAttribute(callee, HelperAttribute)) continue;
                if (stack.Contains(callee, SymbolEqualityComparer.Default))
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.Recursion, call.GetLocation(), callee.Name));
                    continue;
                }
                if (ordered.Any(h => SymbolEqualityComparer.Default.Equals(h.Item1, callee))) continue;
                if (!(callee.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is MethodDeclarationSyntax calleeSyntax))
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedCall, call.GetLocation(), callee.ToDisplayString()));
                    continue;
                }
                CheckMethodShape(callee, calleeSyntax, requireVoid: false, diagnostics);
                foreach (var p in callee.Parameters)
                    if (!KernelRewriter.IsSupportedScalar(p.Type) && !KernelRewriter.IsView(p.Type, out _))
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, p.Locations[0], p.Type.ToDisplayString()));
                if (!callee.ReturnsVoid && !KernelRewriter.IsSupportedScalar(callee.ReturnType))
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, calleeSyntax.ReturnType.GetLocation(), callee.ReturnType.ToDisplayString()));
                new KernelRewriter(compilation.GetSemanticModel(calleeSyntax.SyntaxTree), calleeSyntax, isKernel: false, diagnostics).Check();
                CollectHelpers(compilation, callee, calleeSyntax, stack, ordered, diagnostics);
                ordered.Add((callee, calleeSyntax));
            }
            stack.RemoveAt(stack.Count - 1);
        }

        private static bool CallsBarrier(Compilation compilation, MethodDeclarationSyntax syntax)
        {
            var model = compilation.GetSemanticModel(syntax.SyntaxTree);
            return syntax.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
                model.GetSymbolInfo(call).Symbol is IMethodSymbol m && m.Name == "Barrier" && m.ContainingType?.ToDisplayString() == "GpuEngine.Kernels.Group");
        }
    }
}
