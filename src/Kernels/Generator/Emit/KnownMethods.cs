using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GpuEngine.Kernels.Generator.Emit
{
    /// <summary>
    /// System.Math / System.MathF functions kernels may call, keyed "Name/firstParameterType", with the
    /// CUDA and OpenCL templates (indexed by <see cref="Dialect.TemplateIndex"/>). Double overloads are absent on purpose.
    /// </summary>
    internal static class KnownMethods
    {
        private static readonly Dictionary<string, string[]> Templates = new Dictionary<string, string[]>
        {
            ["Min/int"] = new[] { "gpue_min({0}, {1})", "min({0}, {1})" },
            ["Max/int"] = new[] { "gpue_max({0}, {1})", "max({0}, {1})" },
            ["Min/float"] = new[] { "gpue_min({0}, {1})", "fmin({0}, {1})" },
            ["Max/float"] = new[] { "gpue_max({0}, {1})", "fmax({0}, {1})" },
            ["Clamp/int"] = new[] { "gpue_clamp({0}, {1}, {2})", "clamp({0}, {1}, {2})" },
            ["Clamp/float"] = new[] { "gpue_clamp({0}, {1}, {2})", "clamp({0}, {1}, {2})" },
            ["Abs/int"] = new[] { "gpue_abs({0})", "((int)abs({0}))" },
            ["Abs/float"] = new[] { "fabsf({0})", "fabs({0})" },
            ["Exp/float"] = new[] { "expf({0})", "exp({0})" },
            ["Log/float"] = new[] { "logf({0})", "log({0})" },
            ["Sqrt/float"] = new[] { "sqrtf({0})", "sqrt({0})" },
            ["Floor/float"] = new[] { "floorf({0})", "floor({0})" },
            ["Ceiling/float"] = new[] { "ceilf({0})", "ceil({0})" },
            ["Tanh/float"] = new[] { "tanhf({0})", "tanh({0})" },
            ["Round/float"] = new[] { "rintf({0})", "rint({0})" },
            ["FusedMultiplyAdd/float"] = new[] { "fmaf({0}, {1}, {2})", "fma({0}, {1}, {2})" },
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
            return Templates.TryGetValue(method.Name + "/" + parameterType, out var t) ? t[dialect.TemplateIndex] : null;
        }
    }
}
