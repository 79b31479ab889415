using System.Runtime.InteropServices;
using System.Text.Json;
using GpuEngine.Backends;

namespace GpuEngine.Execution.Tactics;

/// <summary>
/// Tactic choices on disk: one JSON object mapping "device | description | host arch | layer key" to the winning
/// candidate's name (the layer key holds the kernel, so the precision, and every scalar argument, so the shape).
/// Loaded once; each new choice rewrites the file through a temporary file and a rename, so a reader never sees half a
/// file. A file that does not parse is ignored with one warning (and replaced at the next choice); a file that cannot
/// be written warns once and the choices hold for the session only.
/// </summary>
public sealed class TacticCache
{
    private readonly Dictionary<string, string> _choices;
    private readonly Lock _gate = new();
    private readonly Action<string> _warn;
    private bool _unwritable;

    /// <summary>Opens (or starts) the cache at <paramref name="path"/>; <paramref name="warn"/> gets the one corrupt-file line.</summary>
    public TacticCache(string path, Action<string>? warn = null)
    {
        Path = path;
        _warn = warn ?? (line => Console.Error.WriteLine(line));
        _choices = Load(path, _warn);
    }

    public string Path { get; }

    /// <summary>$XDG_CACHE_HOME/gpuengine/tactics.json, else ~/.cache/gpuengine/tactics.json.</summary>
    public static string DefaultPath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = string.IsNullOrWhiteSpace(xdg)
                ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return System.IO.Path.Combine(root, "gpuengine", "tactics.json");
        }
    }

    /// <summary>The full key of a layer on this backend.</summary>
    public static string Key(Backend backend, string layerKey) =>
        $"{backend.Name} | {backend.DeviceDescription} | {RuntimeInformation.ProcessArchitecture} | {layerKey}";

    /// <summary>The cached winner's name, or null.</summary>
    public string? Lookup(Backend backend, string layerKey)
    {
        lock (_gate) return _choices.GetValueOrDefault(Key(backend, layerKey));
    }

    /// <summary>Records a winner and rewrites the file (temp file + rename).</summary>
    public void Store(Backend backend, string layerKey, string winner)
    {
        lock (_gate)
        {
            _choices[Key(backend, layerKey)] = winner;
            if (_unwritable) return;
            try
            {
                string? directory = System.IO.Path.GetDirectoryName(Path);
                if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
                string temporary = $"{Path}.{Environment.ProcessId}.tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(new SortedDictionary<string, string>(_choices), Indented));
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Tuning still works without the file: the choices hold for this session.
                _unwritable = true;
                _warn($"gpuengine: warning: cannot write the tactic cache '{Path}' ({e.Message.Split('\n', 2)[0]}); choices are not saved");
            }
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static Dictionary<string, string> Load(string path, Action<string> warn)
    {
        if (!File.Exists(path)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            warn($"gpuengine: warning: ignoring the tactic cache '{path}': it does not parse ({e.Message.Split('\n', 2)[0]})");
            return [];
        }
    }
}
