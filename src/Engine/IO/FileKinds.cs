using System.Runtime.InteropServices;

namespace GpuEngine.IO;

/// <summary>What a path names, as stat(2) tells it (links followed).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    Other,
}

/// <summary>
/// The type of a path. .NET's file API tells only directories from the rest, and a device or a FIFO looks like a
/// file to it; on Unix this asks stat(2) through the runtime's own native shim (libSystem.Native, whose status
/// layout is the runtime's, the same on every architecture), else falls back to .NET's attributes.
/// </summary>
public static partial class FileKinds
{
    private const int TypeMask = 0xF000;

    /// <summary>The kind of <paramref name="path"/>; <see cref="FileKind.Missing"/> when nothing is there.</summary>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsWindows() && TryStat(path, out int mode, out bool exists))
            return !exists ? FileKind.Missing : (mode & TypeMask) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0x1000 => FileKind.Fifo,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            };
        if (Directory.Exists(path)) return FileKind.Directory;
        return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>The kind in words, with its article: "a directory", "a character device", ...</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "a special file",
    };

    private static bool TryStat(string path, out int mode, out bool exists)
    {
        mode = 0;
        exists = false;
        try
        {
            // The runtime's FileStatus begins with int Flags, int Mode; the rest (about 120 bytes) is not read here.
            Span<byte> status = stackalloc byte[256];
            int result = Stat(path, ref MemoryMarshal.GetReference(status));
            if (result != 0)
            {
                // Missing (or unreadable): a later open reports which.
                exists = false;
                return !File.Exists(path) && !Directory.Exists(path);
            }
            mode = BitConverter.ToInt32(status[4..8]);
            exists = true;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte status);
}
