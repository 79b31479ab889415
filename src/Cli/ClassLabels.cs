namespace GpuEngine.Cli;

/// <summary>
/// Names for a classifier's outputs: a --labels file (one name a line, as many lines as classes), or the ImageNet-1k
/// class names (shipped in the build, src/Cli/Data/imagenet-classes.txt) for a head of 1000 classes; none otherwise.
/// </summary>
public static class ClassLabels
{
    private static readonly Lazy<IReadOnlyList<string>> ImageNetNames = new(() =>
    {
        using var stream = typeof(ClassLabels).Assembly.GetManifestResourceStream("GpuEngine.Cli.imagenet-classes.txt")
            ?? throw new InvalidOperationException("the build lacks its ImageNet class names (embedded resource)");
        using var reader = new StreamReader(stream);
        return Lines(reader.ReadToEnd());
    });

    /// <summary>The 1000 ImageNet-1k class names in the usual index order (tench, goldfish, ... toilet tissue).</summary>
    public static IReadOnlyList<string> ImageNet => ImageNetNames.Value;

    /// <summary>The names for a head of <paramref name="classes"/> outputs, or null when there are none to give.</summary>
    public static IReadOnlyList<string>? For(int classes, string? labelsFile)
    {
        if (labelsFile is null) return classes == ImageNet.Count ? ImageNet : null;
        if (!File.Exists(labelsFile)) throw new GpuEngineException($"--labels '{labelsFile}' does not exist");
        if (new FileInfo(labelsFile).Length > 16 << 20) throw new GpuEngineException($"--labels '{labelsFile}' is over 16 MiB; it should hold one class name a line");
        var names = Lines(File.ReadAllText(labelsFile));
        if (names.Count != classes)
            throw new GpuEngineException($"--labels '{labelsFile}' has {names.Count} names (non-empty lines), the model has {classes} classes");
        return names;
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
}
