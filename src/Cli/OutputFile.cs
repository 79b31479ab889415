namespace GpuEngine.Cli;

/// <summary>Writes files the user asked for without ever overwriting one unasked.</summary>
public static class OutputFile
{
    public static void Write(string path, bool force, Action<TextWriter> write) => WriteStream(path, force, stream =>
    {
        using var writer = new StreamWriter(stream);
        write(writer);
    });

    /// <summary>Writes <paramref name="bytes"/> (a PNG, an SVG) to <paramref name="path"/> the same careful way.</summary>
    public static void WriteBytes(string path, bool force, byte[] bytes) => WriteStream(path, force, stream => stream.Write(bytes));

    private static void WriteStream(string path, bool force, Action<Stream> write)
    {
        if (File.Exists(path) && !force)
            throw new GpuEngineException($"'{path}' already exists; pass --force to overwrite it");
        if (Directory.Exists(path))
            throw new GpuEngineException($"'{path}' is a directory; give a file name");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        // Write beside the target, then move: a failure never leaves a half-written file under the user's name.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = File.Create(temporary)) write(stream);
            File.Move(temporary, path, overwrite: force);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
