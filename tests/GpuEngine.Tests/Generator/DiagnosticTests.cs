namespace GpuEngine.Tests.Generator;

/// <summary>One test per generator diagnostic, named after its id (count of tests = count of ids).</summary>
public class DiagnosticTests
{
    private static string Kernel(string body, string parameters = "ArrayView<float> v, int n", string members = "") => $$"""
        public static class K
        {
            {{members}}
            [Kernel]
            public static void Run({{parameters}})
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public void GPUE0001_InvalidKernelMethod() => GeneratorHarness.AssertReports("GPUE0001", """
        public class K { [Kernel] public void Run(ArrayView<float> v) { } }
        """);

    [Fact]
    public void GPUE0002_InvalidKernelSignature() => GeneratorHarness.AssertReports("GPUE0002", Kernel("", "int n, ArrayView<float> v"));

    [Fact]
    public void GPUE0003_UnsupportedType() => GeneratorHarness.AssertReports("GPUE0003", Kernel("double d = n; v[0] = (float)d;"));

    [Fact]
    public void GPUE0004_Allocation() => GeneratorHarness.AssertReports("GPUE0004", Kernel("var a = new int[4]; v[0] = a[0];"));

    [Fact]
    public void GPUE0005_StringUse() => GeneratorHarness.AssertReports("GPUE0005", Kernel("v[0] = \"abc\".Length;"));

    [Fact]
    public void GPUE0006_ExceptionUse() => GeneratorHarness.AssertReports("GPUE0006", Kernel("try { v[0] = 1f; } finally { v[1] = 2f; }"));

    [Fact]
    public void GPUE0007_LambdaUse() => GeneratorHarness.AssertReports("GPUE0007", Kernel("Func<int, int> f = x => x + 1; v[0] = f(n);"));

    [Fact]
    public void GPUE0008_ForEachUse() => GeneratorHarness.AssertReports("GPUE0008", Kernel("foreach (var i in new[] { 1, 2 }) v[i] = 0f;"));

    [Fact]
    public void GPUE0009_RefUse() => GeneratorHarness.AssertReports("GPUE0009", Kernel("ref float x = ref v[0]; x = n;"));

    [Fact]
    public void GPUE0010_UnsupportedCall() => GeneratorHarness.AssertReports("GPUE0010", Kernel("Console.WriteLine(n);"));

    [Fact]
    public void GPUE0011_Recursion() => GeneratorHarness.AssertReports("GPUE0011",
        Kernel("v[0] = Sum(n);", members: "public static int Sum(int x) => x <= 0 ? 0 : x + Sum(x - 1);"));

    [Fact]
    public void GPUE0012_SharedMisuse() => GeneratorHarness.AssertReports("GPUE0012",
        Kernel("var tile = SharedMemory.Allocate<float>(n); tile[0] = 1f; v[0] = tile[0];"));

    [Fact]
    public void GPUE0013_UnsupportedSyntax() => GeneratorHarness.AssertReports("GPUE0013",
        Kernel("switch (n) { case 1: v[0] = 1f; break; default: v[0] = 0f; break; }"));

    [Fact]
    public void GPUE0014_InvalidSpecialize() => GeneratorHarness.AssertReports("GPUE0014", Kernel("v[0] = 1f;", "ArrayView<float> v, SpecializedValue<long> s"));

    [Fact]
    public void GPUE0015_NonConstField() => GeneratorHarness.AssertReports("GPUE0015", Kernel("v[0] = Scale;", members: "public static float Scale = 2f;"));

    [Fact]
    public void GPUE0016_InvalidParameterStruct() => GeneratorHarness.AssertReports("GPUE0016",
        "public struct P { public int N; public long Big; }\n" + Kernel("v[0] = p.N;", "ArrayView<float> v, P p"));

    [Fact]
    public void GPUE0017_TooManyParameters() => GeneratorHarness.AssertReports("GPUE0017",
        Kernel("v[0] = a;", "ArrayView<float> v, int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k, int l, int m"));

    [Fact]
    public void GPUE0018_IndexInHelper() => GeneratorHarness.AssertReports("GPUE0018",
        Kernel("v[0] = Where();", members: "public static int Where() => Grid.IdxX;"));
}
