using System.Collections.Generic;
using System.Linq;
using GpuEngine.Kernels.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator.Ilgpu
{
    internal enum IlgpuParameterKind { View, Scalar, Struct, Specialized }

    /// <summary>One ILGPU kernel parameter; a parameter struct carries its int/float fields in order.</summary>
    internal sealed class IlgpuParameter
    {
        public IlgpuParameter(IParameterSymbol symbol, IlgpuParameterKind kind, string type, IReadOnlyList<(string Name, string Type)> fields)
        {
            Symbol = symbol;
            Kind = kind;
            Type = type;
            Fields = fields;
        }

        public IParameterSymbol Symbol { get; }
        public string Name => Symbol.Name;
        public IlgpuParameterKind Kind { get; }

        /// <summary>Element keyword (views), scalar keyword (scalars, specialized values) or the struct's full name.</summary>
        public string Type { get; }
        public IReadOnlyList<(string Name, string Type)> Fields { get; }
    }

    /// <summary>Reads and checks an ILGPU kernel's parameters: views, then int/float scalars or parameter structs, then SpecializedValue&lt;T&gt;.</summary>
    internal static class IlgpuSignature
    {
        /// <summary>ILGPU's LoadKernel takes at most 14 parameters; the counting variant adds one.</summary>
        public const int MaxParameters = 13;

        public static List<IlgpuParameter> Read(IMethodSymbol method, MethodDeclarationSyntax syntax, List<Diagnostic> diagnostics)
        {
            var result = new List<IlgpuParameter>();
            int stage = 0; // 0 views, 1 scalars/structs, 2 specialized
            foreach (var p in method.Parameters)
            {
                IlgpuParameterKind kind;
                string type;
                var fields = new List<(string, string)>();
                if (IlgpuApi.IsArrayView(p.Type, out var element))
                {
                    kind = IlgpuParameterKind.View;
                    type = element!.ToDisplayString();
                    if (!IsElement(element)) diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, p.Locations[0], p.Type.ToDisplayString()));
                }
                else if (IlgpuApi.IsSpecializedValue(p.Type, out var value))
                {
                    kind = IlgpuParameterKind.Specialized;
                    type = value!.ToDisplayString();
                    if (value.SpecialType != SpecialType.System_Int32 && value.SpecialType != SpecialType.System_Single)
                        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidSpecialize, p.Locations[0], p.Name));
                }
                else if (IsScalar(p.Type))
                {
                    kind = IlgpuParameterKind.Scalar;
                    type = p.Type.ToDisplayString();
                }
                else if (p.Type.TypeKind == TypeKind.Struct && p.Type.DeclaringSyntaxReferences.Length > 0)
                {
                    kind = IlgpuParameterKind.Struct;
                    type = p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                    foreach (var f in p.Type.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst))
                    {
                        if (!IsScalar(f.Type) || f.DeclaredAccessibility != Accessibility.Public || f.IsReadOnly)
                            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidParameterStruct, f.Locations.FirstOrDefault() ?? p.Locations[0],
                                p.Type.Name, f.Name, f.Type.ToDisplayString()));
                        fields.Add((f.Name, f.Type.ToDisplayString()));
                    }
                }
                else
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedType, p.Locations[0], p.Type.ToDisplayString()));
                    continue;
                }
                int order = kind == IlgpuParameterKind.View ? 0 : kind == IlgpuParameterKind.Specialized ? 2 : 1;
                if (order < stage)
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidKernelSignature, p.Locations[0], method.Name, "'" + p.Name + "' is out of order"));
                if (order > stage) stage = order;
                result.Add(new IlgpuParameter(p, kind, type, fields));
            }
            if (method.Parameters.Length > MaxParameters)
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TooManyParameters, syntax.ParameterList.GetLocation(), method.Name, method.Parameters.Length, MaxParameters));
            return result;
        }

        internal static bool IsScalar(ITypeSymbol t) => t.SpecialType == SpecialType.System_Int32 || t.SpecialType == SpecialType.System_Single;

        private static bool IsElement(ITypeSymbol t) => t.SpecialType == SpecialType.System_Single || t.SpecialType == SpecialType.System_Int32
            || t.SpecialType == SpecialType.System_SByte || t.SpecialType == SpecialType.System_Byte;
    }
}
