using System.Runtime.CompilerServices;
using System.Diagnostics;
using GpuEngine.IO;

namespace GpuEngine.Tests.Cli;

/// <summary>
/// Issue 12 item 3: a write that fails half-way leaves the old file; special files are refused even with --force;
/// the overwrite check happens before any work.
/// </summary>
public sealed class SafeWriteTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"gpuengine-safe-{Guid.NewGuid():N}");

    public SafeWriteTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Old(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "the good old file");
        return path;
    }

    /// <summary>Throws as a full disk does, after <paramref name="limit"/> bytes went through.</summary>
    private sealed class FailingStream(Stream inner, long limit) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            int allowed = (int)Math.Min(count, limit - _written);
            inner.Write(buffer, offset, allowed);
            _written += allowed;
            if (allowed < count) throw new IOException("No space left on device");
        }
    }

    [Fact]
    public void AWriteThatFailsHalfWayLeavesTheOldFileAndNoTemporary()
    {
        var path = Old("model.onnx");
        var e = Assert.Throws<GpuEngineException>(() => SafeFile.Write(path, force: true, s => new FailingStream(s, 1000).Write(new byte[100_000])));
        Assert.Contains("No space left", e.Message);
        Assert.Equal("the good old file", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AWriterThatThrowsLeavesTheOldFile()
    {
        var path = Old("report.md");
        Assert.Throws<InvalidOperationException>(() => SafeFile.WriteText(path, force: true, w =>
        {
            w.Write(new string('x', 200_000));
            throw new InvalidOperationException("the report failed");
        }));
        Assert.Equal("the good old file", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [TmpfsFact]
    public void AFullFileSystemLeavesTheOldExportIntact()
    {
        var mount = Path.Combine(_dir, "small");
        Directory.CreateDirectory(mount);
        Assert.True(Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount), "mounting a 64 KiB tmpfs failed");
        try
        {
            var path = Path.Combine(mount, "n1.onnx");
            File.WriteAllText(path, "the good old file");
            // RepVGG-N1's ONNX file is ~1.5 MB: far over the 64 KiB left.
            var (exit, _, error) = Gpuengine.Run("export", "--model", "repvgg-n1", "--out", path, "--force");
            Assert.Equal(2, exit);
            Assert.Single(error.Trim().Split('\n'));
            Assert.Equal("the good old file", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(mount));
        }
        finally
        {
            Command("umount", mount);
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("export")]
    [InlineData("quantize")]
    [InlineData("summary")]
    public void SpecialFilesAreRefusedEvenWithForce(string verb)
    {
        var fifo = Path.Combine(_dir, "pipe");
        Assert.True(Command("mkfifo", fifo), "mkfifo failed");
        foreach (var target in new[] { fifo, "/dev/null", _dir })
        {
            string[] args = verb switch
            {
                "export" => ["export", "--model", "repvgg-n1", "--out", target, "--force"],
                "quantize" => ["quantize", "--model", "repvgg-n1", "--device", "cpu", "--out", target, "--force"],
                _ => [verb, "--model", "repvgg-n1", "--device", "cpu", "--output", target, "--force"],
            };
            var (exit, _, error) = Gpuengine.Run(args);
            Assert.True(exit == 2, $"{verb} {target}: exit {exit}, {error}");
            Assert.Contains("not a regular file", error);
            Assert.Single(error.Trim().Split('\n'));
        }
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/null"));
    }

    [Fact]
    public void AnExistingOutputIsRefusedBeforeAnyWork()
    {
        var output = Old("logits.npy");
        // A missing weights file would fail the work: the refusal must come first.
        var (exit, _, error) = Gpuengine.Run("run", "--model", "repvgg-n1", "--device", "cpu", "--weights", "/nonexistent.safetensors", "--output", output);
        Assert.Equal(2, exit);
        Assert.Equal($"gpuengine: error: {SafeFile.ExistsMessage(output)}", error.Trim());

        var model = Path.Combine(_dir, "n1.safetensors");
        (exit, _, error) = Gpuengine.Run("quantize", "--model", "repvgg-n1", "--input", "1x3x32x32", "--device", "cpu", "--calib", "1",
            "--out", model, "--report", "--output", output);
        Assert.Equal(2, exit);
        Assert.Contains("already exists", error);
        Assert.False(File.Exists(model), "quantize wrote the model before refusing --output");
        Assert.Equal("the good old file", File.ReadAllText(output));
    }

    internal static bool Command(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A [Fact] skipped, with the reason, where a small tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Mountable = new(() =>
    {
        var probe = Path.Combine(Path.GetTempPath(), $"gpuengine-tmpfs-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probe);
        try
        {
            bool mounted = SafeWriteTests.Command("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", probe);
            if (mounted) SafeWriteTests.Command("umount", probe);
            return mounted;
        }
        finally
        {
            Directory.Delete(probe);
        }
    });

    public TmpfsFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!Mountable.Value) Skip = "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); the injected-failure tests cover the same path";
    }
}
