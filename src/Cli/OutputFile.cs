using GpuEngine.IO;

namespace GpuEngine.Cli;

/// <summary>Writes files the user asked for without ever overwriting one unasked (see <see cref="SafeFile"/>).</summary>
public static class OutputFile
{
    /// <summary>Writes text atomically: temporary file beside the target, fsync, rename; refusals as <see cref="SafeFile.CheckTarget"/>.</summary>
    public static void Write(string path, bool force, Action<TextWriter> write) => SafeFile.WriteText(path, force, write);

    /// <summary>Writes <paramref name="bytes"/> (a PNG, an SVG) to <paramref name="path"/> the same careful way.</summary>
    public static void WriteBytes(string path, bool force, byte[] bytes) => SafeFile.WriteBytes(path, bytes, force);
}
