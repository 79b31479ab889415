using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GpuEngine.Kernels.Generator.Diagnostics;
using GpuEngine.Kernels.Generator.Emit;
using GpuEngine.Kernels.Generator.Ilgpu;
using GpuEngine.Kernels.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator
{
    /// <summary>
    /// Reads one ILGPU [Kernel] method: checks its signature, body and the helpers it reaches, and translates them
    /// to the CPU form and the counting variant. <see cref="Complete"/> then reads the CPU form (in a compilation
    /// that holds it) for the OpenCL source, the phase split and the descriptor's flat parameters.
    /// </summary>
    internal static class KernelModelBuilder
    {
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
                Location = syntax.Identifier.GetLocation(),
            };
            var entry = context.Attributes[0].NamedArguments.FirstOrDefault(a => a.Key == "EntryPoint").Value.Value as string;
            model.EntryPoint = entry ?? method.ContainingType.Name + "_" + method.Name;

            CheckMethodShape(method, syntax, requireVoid: true, model.Diagnostics);
            model.IlgpuParameters.AddRange(IlgpuSignature.Read(method, syntax, model.Diagnostics));
            new KernelRewriter(context.SemanticModel, syntax, isKernel: true, model.Diagnostics).Check();
            var helpers = new List<(IMethodSymbol, MethodDeclarationSyntax)>();
            CollectHelpers(compilation, method, syntax, new List<IMethodSymbol>(), helpers, model.Diagnostics);
            if (model.HasErrors) return model;
            cancellation.ThrowIfCancellationRequested();

            model.CpuFormText = CpuFormTranslator.Kernel(context.SemanticModel, method, syntax, model.IlgpuParameters);
            model.CountingText = CountingTranslator.Kernel(context.SemanticModel, method, syntax);
            foreach (var (helper, helperSyntax) in helpers)
            {
                var helperModel = compilation.GetSemanticModel(helperSyntax.SyntaxTree);
                model.Helpers.Add((helper.ContainingType.Name, helper.ToDisplayString(),
                    CpuFormTranslator.Helper(helperModel, helper, helperSyntax),
                    CountingTranslator.TakesViews(helper) ? CountingTranslator.Helper(helperModel, helper, helperSyntax) : null));
            }
            return model;
        }

        /// <summary>
        /// Fills in what needs the CPU form: flat descriptor parameters and their writability, barrier use, the phase
        /// split and the OpenCL source. <paramref name="cpuMethod"/> is the kernel's CPU form in <paramref name="compilation"/>.
        /// </summary>
        public static void Complete(KernelModel model, Compilation compilation, IMethodSymbol cpuMethod)
        {
            var syntax = (MethodDeclarationSyntax)cpuMethod.DeclaringSyntaxReferences[0].GetSyntax();
            var semantic = compilation.GetSemanticModel(syntax.SyntaxTree);
            var helpers = new List<(IMethodSymbol, MethodDeclarationSyntax)>();
            CollectCpuHelpers(compilation, cpuMethod, syntax, helpers);
            model.UsesBarrier = CallsBarrier(compilation, syntax) || helpers.Any(h => CallsBarrier(compilation, h.Item2));

            var writability = new Writability(compilation);
            int ordinal = 1;
            foreach (var p in model.IlgpuParameters)
            {
                if (p.Kind == IlgpuParameterKind.Struct)
                    foreach (var f in p.Fields) model.Parameters.Add(new ParameterModel(p.Name + "." + f.Name, false, f.Type, false, false, ordinal++));
                else
                {
                    bool view = p.Kind == IlgpuParameterKind.View;
                    model.Parameters.Add(new ParameterModel(p.Name, view, p.Type, view && writability.IsWritable(cpuMethod, ordinal),
                        p.Kind == IlgpuParameterKind.Specialized, ordinal++));
                }
            }
            var diagnostics = new List<Diagnostic>();
            if (model.UsesBarrier && helpers.All(h => !CallsBarrier(compilation, h.Item2)))
                model.CpuGroupMethod = Cpu.PhasedCpuEmitter.TryEmit(semantic, cpuMethod, syntax, "Group_" + model.EntryPoint);
            var openCl = new CEmitter(compilation, OpenClDialect.Instance, writability, diagnostics);
            model.OpenClSource = openCl.EmitUnit(cpuMethod, syntax, model.EntryPoint, helpers);
            model.SharedMemoryBytes = openCl.SharedMemoryBytes;
            // The translated code is not the user's source: report at the kernel, with the emitter's own message.
            foreach (var d in diagnostics)
                model.Diagnostics.Add(Diagnostic.Create(new DiagnosticDescriptor(d.Id, d.Descriptor.Title, d.GetMessage().Replace("{", "{{").Replace("}", "}}"),
                    d.Descriptor.Category, DiagnosticSeverity.Error, true), model.Location));
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

        /// <summary>Depth-first walk over calls to source helpers: callees land in <paramref name="ordered"/> before callers (C needs that order).</summary>
        private static void CollectHelpers(Compilation compilation, IMethodSymbol caller, MethodDeclarationSyntax callerSyntax, List<IMethodSymbol> stack,
            List<(IMethodSymbol, MethodDeclarationSyntax)> ordered, List<Diagnostic> diagnostics)
        {
            stack.Add(caller);
            var model = compilation.GetSemanticModel(callerSyntax.SyntaxTree);
            foreach (var call in callerSyntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (!(model.GetSymbolInfo(call).Symbol is IMethodSymbol callee) || !IlgpuApi.IsSourceHelper(callee)) continue;
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
                    if (!KernelRewriter.IsSupportedScalar(p.Type) && !IlgpuApi.IsArrayView(p.Type, out _))
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, p.Locations[0], p.Type.ToDisplayString()));
                if (!callee.ReturnsVoid && !KernelRewriter.IsSupportedScalar(callee.ReturnType))
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, calleeSyntax.ReturnType.GetLocation(), callee.ReturnType.ToDisplayString()));
                new KernelRewriter(compilation.GetSemanticModel(calleeSyntax.SyntaxTree), calleeSyntax, isKernel: false, diagnostics).Check();
                CollectHelpers(compilation, callee, calleeSyntax, stack, ordered, diagnostics);
                ordered.Add((callee, calleeSyntax));
            }
            stack.RemoveAt(stack.Count - 1);
        }

        /// <summary>The CPU-form helpers a CPU-form kernel reaches, callees first.</summary>
        private static void CollectCpuHelpers(Compilation compilation, IMethodSymbol caller, MethodDeclarationSyntax callerSyntax,
            List<(IMethodSymbol, MethodDeclarationSyntax)> ordered)
        {
            var model = compilation.GetSemanticModel(callerSyntax.SyntaxTree);
            foreach (var call in callerSyntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (!(model.GetSymbolInfo(call).Symbol is IMethodSymbol callee) || !KernelRewriter.HasAttribute(callee, "GpuEngine.Kernels.KernelHelperAttribute")) continue;
                if (ordered.Any(h => SymbolEqualityComparer.Default.Equals(h.Item1, callee))) continue;
                var calleeSyntax = (MethodDeclarationSyntax)callee.DeclaringSyntaxReferences[0].GetSyntax();
                CollectCpuHelpers(compilation, callee, calleeSyntax, ordered);
                if (!ordered.Any(h => SymbolEqualityComparer.Default.Equals(h.Item1, callee))) ordered.Add((callee, calleeSyntax));
            }
        }

        private static bool CallsBarrier(Compilation compilation, MethodDeclarationSyntax syntax)
        {
            var model = compilation.GetSemanticModel(syntax.SyntaxTree);
            return syntax.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
                model.GetSymbolInfo(call).Symbol is IMethodSymbol m && m.Name == "Barrier" && m.ContainingType?.ToDisplayString() == "GpuEngine.Kernels.CpuGroup");
        }
    }
}
