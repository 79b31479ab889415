using System.Runtime.CompilerServices;
using GpuEngine.Backends;
using GpuEngine.Diagnostics.Ptx;
using GpuEngine.Kernels;
using GpuEngine.Zoo;

namespace GpuEngine.Tests.Kernels;

/// <summary>
/// A theory skipped with the reason where ptxas is missing, except under CI (CI=true): there the test runs and fails,
/// so the PTX gate cannot vanish from CI by a missing tool.
/// </summary>
public sealed class PtxasTheoryAttribute : TheoryAttribute
{
    public PtxasTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (PtxCases.Tools is null && !PtxCases.InCi) Skip = Ptxas.MissingReason;
    }
}

/// <summary>
/// What the PTX tests prove: every kernel variant the zoo launches (from <see cref="GeneratedKernels.All"/> with an ILGPU
/// method, see <see cref="KernelVariants"/>), plus the test's own ILGPU kernels, each for sm_80 and sm_90.
/// Compilers and the zoo's variants are built once per test run.
/// </summary>
public static class PtxCases
{
    /// <summary>The xUnit collection of every test using <see cref="Compiler"/>: one at a time, as ILGPU's backends are not thread-safe.</summary>
    public const string Collection = "PTX compilers";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static Ptxas? Tools { get; } = Ptxas.Find();

    // Declared before TestVariants: static initializers run in text order.
    private static KernelDescriptor TiledGemm { get; } = Describe(nameof(PtxTestKernels.TiledGemm),
        [View("a"), View("b"), View("c", writable: true), Int("m"), Int("n"), Int("k"), Int("activation") with { Specialized = true }]);

    private static KernelDescriptor Dp4aDot { get; } = Describe(nameof(PtxTestKernels.Dp4aDot),
        [View("a", KernelElementType.Int32), View("b", KernelElementType.Int32), View("dot", KernelElementType.Int32, true), Int("rows"), Int("words")]);

    /// <summary>The test kernels as descriptors, the way the generator describes the engine's.</summary>
    public static IReadOnlyList<KernelVariant> TestVariants { get; } =
    [
        .. new[] { 0, 1, 2 }.Select(a => new KernelVariant(TiledGemm, [a], new Dim3(16, 16), ["PtxTestKernels"])),
        new KernelVariant(TiledGemm, [], new Dim3(16, 16), []),
        new KernelVariant(Dp4aDot, [], new Dim3(256), ["PtxTestKernels"]),
    ];

    private static readonly Lazy<IReadOnlyList<KernelVariant>> _engine = new(() =>
        GeneratedKernels.All.Any(k => k.Method is not null)
            ? [.. KernelVariants.Collect(KernelVariants.Representatives(ModelZoo.All), GeneratedKernels.All).Where(v => v.Kernel.Method is not null)]
            : []);

    /// <summary>The engine's kernel variants with an ILGPU method (none until src/Kernels/Ops is ILGPU).</summary>
    public static IReadOnlyList<KernelVariant> EngineVariants => _engine.Value;

    public static IEnumerable<KernelVariant> All => EngineVariants.Concat(TestVariants);

    /// <summary>Kernels whose SASS must hold IDP.4A: the int8 conv, linear and matmul kernels, and the dp4a test kernel.</summary>
    public static bool MustUseDp4a(KernelVariant v) =>
        new[] { "Int8Conv2d", "Int8Linear", "Int8MatMul", "Dp4a" }.Any(n => v.Kernel.Name.Contains(n, StringComparison.Ordinal));

    /// <summary>A variant's key in test names: entry point and label.</summary>
    public static string Key(KernelVariant v) => v.Label.Length == 0 ? v.Kernel.EntryPoint : $"{v.Kernel.EntryPoint}.{v.Label}";

    public static KernelVariant Find(string key) => All.First(v => Key(v) == key);

    private static readonly Dictionary<string, PtxCompiler> _compilers = [];

    /// <summary>One compiler per target for the whole run (xUnit runs one class's tests one at a time).</summary>
    public static PtxCompiler Compiler(string arch)
    {
        lock (_compilers)
        {
            if (!_compilers.TryGetValue(arch, out var compiler)) _compilers[arch] = compiler = new PtxCompiler(CudaTarget.Parse(arch));
            return compiler;
        }
    }

    private static KernelDescriptor Describe(string method, KernelParameter[] parameters) =>
        new($"PtxTestKernels.{method}", $"PtxTestKernels_{method}", parameters, "")
        {
            Method = typeof(PtxTestKernels).GetMethod(method)!,
        };

    private static KernelParameter View(string name, KernelElementType type = KernelElementType.Float32, bool writable = false) =>
        new(name, KernelParameterKind.View, type, writable);

    private static KernelParameter Int(string name) => new(name, KernelParameterKind.Scalar, KernelElementType.Int32);
}
