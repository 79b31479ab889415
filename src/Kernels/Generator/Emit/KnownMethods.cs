using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>
    /// System.Math / System.MathF functions kernels may call, keyed "Name/firstParameterType", with their OpenCL
    /// templates (XMath calls reach here as Math/MathF, see Ilgpu/IlgpuApi.cs). Double overloads are absent on purpose.
    /// </summary>
    internal static class KnownMethods
    {
        private static readonly Dictionary<string, string> Templates = new Dictionary<string, string>
        {
            ["Min/int"] = "min({0}, {1})",
            ["Max/int"] = "max({0}, {1})",
            ["Min/float"] = "fmin({0}, {1})",
            ["Max/float"] = "fmax({0}, {1})",
            ["Clamp/int"] = "clamp({0}, {1}, {2})",
            ["Clamp/float"] = "clamp({0}, {1}, {2})",
            ["Abs/int"] = "((int)abs({0}))",
            ["Abs/float"] = "fabs({0})",
            ["Exp/float"] = "exp({0})",
            ["Log/float"] = "log({0})",
            ["Sqrt/float"] = "sqrt({0})",
            ["Floor/float"] = "floor({0})",
            ["Ceiling/float"] = "ceil({0})",
            ["Tanh/float"] = "tanh({0})",
            ["Round/float"] = "rint({0})",
            ["FusedMultiplyAdd/float"] = "fma({0}, {1}, {2})",
        };

        /// <summary>The template for <paramref name="method"/> in <paramref name="dialect"/>, or null when it is not a known Math function.</summary>
        public static string? Find(IMethodSymbol method, Dialect dialect)
        {
            var type = method.ContainingType;
            if (type == null || type.ContainingNamespace?.ToDisplayString() != "System" || (type.Name != "Math" && type.Name != "MathF"))
                return null;
            if (method.Parameters.Length == 0) return null;
            string? parameterType = method.Parameters[0].Type.SpecialType switch
            {
                SpecialType.System_Int32 => "int",
                SpecialType.System_Single => "float",
                _ => null,
            };
            if (parameterType == null) return null;
            // Math.Round(float) with extra arguments (digits, mode) would change meaning: only the one-argument form maps.
            if (method.Name == "Round" && method.Parameters.Length != 1) return null;
            return Templates.TryGetValue(method.Name + "/" + parameterType, out var t) ? t : null;
        }
    }
}
