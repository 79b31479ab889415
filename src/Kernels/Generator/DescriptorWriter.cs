using System.Collections.Generic;
using System.Text;
using GpuEngine.Kernels.Generator.Ilgpu;
using GpuEngine.Kernels.Generator.Model;

namespace GpuEngine.Kernels.Generator
{
    /// <summary>Writes one kernel's KernelDescriptor: flat parameters, OpenCL source, CPU binders and ILGPU loaders.</summary>
    internal static class DescriptorWriter
    {
        public static void Append(StringBuilder s, KernelModel m)
        {
            s.Append("        /// <summary>Kernel ").Append(m.TypeName).Append('.').Append(m.MethodName).Append(".</summary>\n");
            s.Append("        public static global::GpuEngine.Kernels.KernelDescriptor ").Append(m.EntryPoint)
                .Append(" { get; } = new global::GpuEngine.Kernels.KernelDescriptor(\n");
            s.Append("            \"").Append(m.TypeName).Append('.').Append(m.MethodName).Append("\", \"").Append(m.EntryPoint).Append("\",\n");
            s.Append("            new global::GpuEngine.Kernels.KernelParameter[]\n            {\n");
            foreach (var p in m.Parameters)
                s.Append("                new(\"").Append(p.Name).Append("\", global::GpuEngine.Kernels.KernelParameterKind.").Append(p.IsView ? "View" : "Scalar")
                    .Append(", global::GpuEngine.Kernels.KernelElementType.").Append(ElementType(p.ElementType))
                    .Append(", Writable: ").Append(p.Writable ? "true" : "false").Append(", Specialized: ").Append(p.Specialized ? "true" : "false").Append("),\n");
            s.Append("            },\n");
            s.Append("            @\"").Append(m.OpenClSource.Replace("\"", "\"\"")).Append("\")\n        {\n");
            s.Append("            UsesBarrier = ").Append(m.UsesBarrier ? "true" : "false").Append(",\n");
            s.Append("            SharedMemoryBytes = ").Append(m.SharedMemoryBytes).Append(",\n");
            AppendBinder(s, m, "CpuBinder", "global::" + CpuFormTranslator.Namespace + "." + m.TypeName + "." + m.MethodName);
            if (m.CpuGroupMethod != null) AppendBinder(s, m, "CpuGroupBinder", "Group_" + m.EntryPoint);
            s.Append("            Method = typeof(").Append(m.ContainingType).Append(").GetMethod(\"").Append(m.MethodName).Append("\"),\n");
            AppendLoader(s, m, "IlgpuLoader", m.ContainingType + "." + m.MethodName, counting: false);
            AppendLoader(s, m, "CountingIlgpuLoader", "global::" + CountingTranslator.Namespace + "." + m.TypeName + "." + m.MethodName, counting: true);
            s.Append("        };\n\n");
        }

        /// <summary>A binder: unpacks the arguments once per launch, returns a lambda calling <paramref name="target"/>.</summary>
        private static void AppendBinder(StringBuilder s, KernelModel m, string property, string target)
        {
            s.Append("            ").Append(property).Append(" = static arguments =>\n            {\n");
            var names = new StringBuilder("item");
            for (int i = 0; i < m.Parameters.Count; i++)
            {
                var p = m.Parameters[i];
                string value = p.IsView ? "arguments[" + i + "].AsView<" + p.ElementType + ">()"
                    : p.ElementType == "float" ? "arguments[" + i + "].AsFloat()" : "arguments[" + i + "].AsInt()";
                s.Append("                var a").Append(i).Append(" = ").Append(value).Append(";\n");
                names.Append(", a").Append(i);
            }
            s.Append("                return (in global::GpuEngine.Kernels.WorkItem item) => ").Append(target)
                .Append('(').Append(names).Append(");\n            },\n");
        }

        /// <summary>
        /// An ILGPU loader: loads the kernel once (typed, through ILGPU's LoadKernel) and returns a launcher that binds the
        /// flat arguments to the kernel's parameters (a parameter struct rebuilt from its fields) without allocating.
        /// </summary>
        private static void AppendLoader(StringBuilder s, KernelModel m, string property, string target, bool counting)
        {
            var types = new List<string>();
            var args = new List<string>();
            int flat = 0;
            foreach (var p in m.IlgpuParameters)
            {
                switch (p.Kind)
                {
                    case IlgpuParameterKind.View:
                        types.Add("global::ILGPU.ArrayView<" + p.Type + ">");
                        args.Add("a[" + flat++ + "].AsView<" + p.Type + ">()");
                        break;
                    case IlgpuParameterKind.Scalar:
                        types.Add(p.Type);
                        args.Add(Scalar(p.Type, flat++));
                        break;
                    case IlgpuParameterKind.Struct:
                        types.Add(p.Type);
                        var fields = new List<string>();
                        foreach (var f in p.Fields) fields.Add(f.Name + " = " + Scalar(f.Type, flat++));
                        args.Add("new " + p.Type + " { " + string.Join(", ", fields) + " }");
                        break;
                    default:
                        types.Add("global::ILGPU.Runtime.SpecializedValue<" + p.Type + ">");
                        args.Add("global::ILGPU.Runtime.SpecializedValue.New(" + Scalar(p.Type, flat++) + ")");
                        break;
                }
            }
            if (counting)
            {
                types.Add("global::ILGPU.ArrayView<long>");
                args.Add("a[" + flat + "].AsView<long>()");
            }
            s.Append("            ").Append(property).Append(" = static accelerator =>\n            {\n");
            s.Append("                var kernel = global::ILGPU.Runtime.KernelLoaders.LoadKernel<").Append(string.Join(", ", types))
                .Append(">(accelerator, ").Append(target).Append(");\n");
            s.Append("                return (stream, config, a) => kernel(stream, config, ").Append(string.Join(", ", args)).Append(");\n            },\n");
        }

        private static string Scalar(string type, int index) => "a[" + index + "]." + (type == "float" ? "AsFloat()" : "AsInt()");

        private static string ElementType(string csharp) => csharp switch
        {
            "float" => "Float32",
            "sbyte" => "Int8",
            "byte" => "UInt8",
            _ => "Int32",
        };
    }
}
