namespace GpuEngine.Loading;

/// <summary>
/// File access shared by the loaders: whole-file reads with a size cap, errors that name the file,
/// and writes that refuse to replace an existing file unless asked.
/// </summary>
internal static class ModelFile
{
    /// <summary>Largest file a loader reads into memory (2 GiB - 1: one .NET array).</summary>
    public const long MaxBytes = int.MaxValue;

    /// <summary>Reads the whole file; a missing, unreadable or oversized file is a <see cref="GpuEngineException"/>.</summary>
    public static byte[] ReadAll(string path, string what)
    {
        // Refuses devices and FIFOs (/dev/urandom never ends) and oversized files before reading a byte.
        IO.InputFile.Check(path, what, MaxBytes);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuEngineException($"{what} '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> through <see cref="IO.SafeFile"/> (temporary file, fsync, rename); an existing
    /// file is an error unless <paramref name="overwrite"/>, a special file (device, FIFO, directory) always.
    /// </summary>
    public static void WriteAll(string path, ReadOnlySpan<byte> bytes, bool overwrite) => IO.SafeFile.WriteBytes(path, bytes, overwrite);

    /// <summary>Element count of <paramref name="dims"/>, or -1 when it exceeds <paramref name="limit"/> (no overflow).</summary>
    public static long CheckedElements(IReadOnlyList<long> dims, long limit)
    {
        long n = 1;
        foreach (var d in dims)
        {
            if (d < 0) return -1;
            if (d == 0) return 0;
            if (n > limit / d) return -1;
            n *= d;
        }
        return n;
    }
}
