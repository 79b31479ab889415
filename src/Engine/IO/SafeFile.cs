using System.Runtime.InteropServices;
using System.Text;

namespace GpuEngine.IO;

/// <summary>
/// The one way the engine writes a file the user named (models, weights, logits, reports, plans, traces): the bytes go
/// to a temporary file in the target's folder, are flushed to the disk (fsync), and only then renamed over the
/// target, so a failure half-way (a full disk, an exception in the writer) leaves the old file as it was and no
/// partial file under the user's name. <see cref="CheckTarget"/> is the overwrite check, for verbs to call before
/// any work: an existing file needs force; a path that exists and is not a regular file (a directory, a device such
/// as /dev/null, a FIFO, a socket) is refused even with force, since a rename would replace it.
/// </summary>
public static class SafeFile
{
    /// <summary>
    /// Refuses <paramref name="path"/> unless it is absent, or a regular file and <paramref name="force"/> is set.
    /// Throws <see cref="GpuEngineException"/> with the one wording every verb uses.
    /// </summary>
    public static void CheckTarget(string path, bool force)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new GpuEngineException("an output path is empty; give a file name");
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) return;
        if (kind != FileKind.Regular)
            throw new GpuEngineException($"'{path}' is {FileKinds.Describe(kind)}, not a regular file; refusing to write it (even with --force)");
        if (!force) throw new GpuEngineException(ExistsMessage(path));
    }

    /// <summary>The refusal for an existing file written without --force.</summary>
    public static string ExistsMessage(string path) => $"'{path}' already exists; pass --force to overwrite it";

    /// <summary>Writes bytes atomically (see the class remarks).</summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes, bool force)
    {
        var copy = bytes.ToArray();
        Write(path, force, stream => stream.Write(copy));
    }

    /// <summary>Writes text (UTF-8, no byte-order mark) atomically through <paramref name="write"/>.</summary>
    public static void WriteText(string path, bool force, Action<TextWriter> write) => Write(path, force, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        write(writer);
    });

    /// <summary>
    /// Writes through <paramref name="write"/> to a temporary file beside <paramref name="path"/>, flushes it to the
    /// disk and renames it over the target. Whatever <paramref name="write"/> or the file system throws, the
    /// temporary file is removed and the target is untouched.
    /// </summary>
    public static void Write(string path, bool force, Action<Stream> write)
    {
        CheckTarget(path, force);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            // Checked again: the target may have changed into something else while the work ran.
            CheckTarget(path, force);
            File.Move(temporary, full, overwrite: force);
        }
        catch (IOException) when (!force && File.Exists(full) && File.Exists(temporary))
        {
            throw new GpuEngineException(ExistsMessage(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuEngineException($"'{path}' cannot be written: {e.Message} (nothing was changed)", e);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string temporary)
    {
        try
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the target is safe either way; a stray hidden .tmp is the lesser harm.
        }
    }
}
