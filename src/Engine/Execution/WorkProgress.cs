namespace GpuEngine.Execution;

/// <summary>
/// Where long work says how far it is: calibration samples, profile runs, zoo models, the launches of one large
/// inference. The engine only reports; the command line installs a <see cref="Sink"/> when standard error is a terminal
/// (nothing is installed for redirected output or in tests, and then reporting costs one null check).
/// </summary>
public static class WorkProgress
{
    /// <summary>Receives (what, done, total); total 0 when unknown. Called from the working thread; must be cheap.</summary>
    public static Action<string, long, long>? Sink { get; set; }

    /// <summary>Reports that <paramref name="done"/> of <paramref name="total"/> steps of <paramref name="what"/> are finished.</summary>
    public static void Report(string what, long done, long total) => Sink?.Invoke(what, done, total);

    /// <summary>Ends any progress shown (a finished step clears its line): before an error line, say.</summary>
    public static void End() => Sink?.Invoke("", 1, 1);
}
