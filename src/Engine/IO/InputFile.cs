namespace GpuEngine.IO;

/// <summary>
/// The check every reader makes before it reads a file the user named (models, weights, .npy inputs, tables): it must
/// exist, be a regular file (a device such as /dev/urandom or /dev/zero, a FIFO or a directory never ends or never
/// starts) and hold at most a stated number of bytes, so nothing is read without a bound.
/// </summary>
public static class InputFile
{
    /// <summary>Throws a one-line <see cref="GpuEngineException"/> naming <paramref name="what"/> and the path unless the file can be read whole.</summary>
    public static long Check(string path, string what, long maxBytes)
    {
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) throw new GpuEngineException($"{what} '{path}' does not exist");
        if (kind != FileKind.Regular)
            throw new GpuEngineException($"{what} '{path}' is {FileKinds.Describe(kind)}, not a regular file; give a file");
        long length = new FileInfo(path).Length;
        if (length > maxBytes)
            throw new GpuEngineException($"{what} '{path}' is {length} bytes; files over {maxBytes} bytes are not read");
        return length;
    }

    /// <summary>Reads a text file after <see cref="Check"/>.</summary>
    public static string ReadText(string path, string what, long maxBytes = 64L << 20)
    {
        Check(path, what, maxBytes);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuEngineException($"{what} '{path}' cannot be read: {e.Message}", e);
        }
    }
}
