using System.Diagnostics;
using GpuEngine.Execution;

namespace GpuEngine.Cli;

/// <summary>
/// Shows <see cref="WorkProgress"/> as one line on standard error, rewritten in place (at most ten times a second) and
/// cleared when the command ends. Installed only when standard error is a terminal: redirected output stays clean.
/// </summary>
internal sealed class TerminalProgress : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _lastShown = -1000;
    private bool _shown;

    private TerminalProgress() => WorkProgress.Sink = Show;

    /// <summary>A progress line for this process when standard error is a terminal; null otherwise.</summary>
    public static TerminalProgress? Install() => Console.IsErrorRedirected ? null : new TerminalProgress();

    private void Show(string what, long done, long total)
    {
        long now = _clock.ElapsedMilliseconds;
        bool last = total > 0 && done >= total;
        lock (_gate)
        {
            if (last)
            {
                // Finished: clear the line so the verb's own output starts on a clean one.
                if (_shown) Console.Error.Write("\r\u001b[K");
                _shown = false;
                return;
            }
            if (now - _lastShown < 100) return;
            _lastShown = now;
            string count = total > 0 ? $"{done}/{total} ({100.0 * done / total:F0}%)" : $"{done}";
            Console.Error.Write($"\r\u001b[K{what}: {count}, {_clock.Elapsed.TotalSeconds:F1} s");
            _shown = true;
        }
    }

    public void Dispose()
    {
        WorkProgress.Sink = null;
        lock (_gate)
            if (_shown) Console.Error.Write("\r\u001b[K");
    }
}
