using System.Globalization;
using System.Text.Json;

namespace GpuEngine.Profiling.Energy;

/// <summary>
/// Energy per operation and per memory access in picojoules: RASP's default table (<c>rasp/addons/energy.py</c>, 45 nm
/// figures after Horowitz, ISSCC 2014) with Horowitz's int8 add and multiply, which RASP lacks, and RASP's cache hit rate.
/// An estimate, as RASP says of its own: docs/conventions.md gives the rule.
/// </summary>
public sealed class EnergyTable
{
    /// <summary>RASP's entries (pJ) plus int8 (Horowitz) and the hit rate; keys are the file format's keys.</summary>
    public static IReadOnlyDictionary<string, double> Defaults { get; } = new Dictionary<string, double>
    {
        ["int8_add"] = 0.03,
        ["int8_mult"] = 0.2,
        ["int16_add"] = 0.06,
        ["int16_mult"] = 0.8,
        ["int32_add"] = 0.1,
        ["int32_mult"] = 3.1,
        ["float16_add"] = 0.45,
        ["float16_mult"] = 1.1,
        ["float32_add"] = 0.9,
        ["float32_mult"] = 4.5,
        ["float32_sram"] = 5.0,
        ["float32_l1"] = 3.5,
        ["float32_l2"] = 30.2,
        ["float32_chip_dram"] = 160,
        ["float32_dram"] = 640,
        ["int32_dram"] = 640,
        // RASP has no int8 DRAM entry; its DRAM cost is per access and the same for float32 and int32, so int8 takes it too.
        ["int8_dram"] = 640,
        ["cache_hit_rate"] = 0.8,
    };

    private readonly Dictionary<string, double> _costs;

    private EnergyTable(Dictionary<string, double> costs, string source)
    {
        _costs = costs;
        Source = source;
    }

    /// <summary>RASP's table as is.</summary>
    public static EnergyTable Default { get; } = new(new(Defaults), "RASP's default table, int8 add/mult from Horowitz (ISSCC 2014)");

    /// <summary>Where the figures come from, in words (reports state it).</summary>
    public string Source { get; }

    /// <summary>The cost of <paramref name="key"/> (pJ; the hit rate is a fraction).</summary>
    public double this[string key] => _costs[key];

    /// <summary>pJ per byte moved: <c>hit × sram + (1 − hit) × dram</c> of the data type (RASP: 0.8 × 5.0 + 0.2 × 640 = 132).</summary>
    public double PerByte(string dtype) => this["cache_hit_rate"] * this["float32_sram"] + (1 - this["cache_hit_rate"]) * this[$"{dtype}_dram"];

    /// <summary>
    /// The default table with the entries of <paramref name="path"/> replaced: a JSON object of key to number, or lines of
    /// <c>key = value</c> (<c>#</c> starts a comment). Unknown keys, non-numbers, negative costs and a hit rate outside
    /// [0, 1] are errors naming the file and the line or key.
    /// </summary>
    public static EnergyTable Load(string path)
    {
        if (!File.Exists(path)) throw new GpuEngineException($"--energy-table: '{path}' does not exist");
        var text = File.ReadAllText(path);
        var costs = new Dictionary<string, double>(Defaults);
        foreach (var (key, value, where) in text.TrimStart().StartsWith('{') ? ParseJson(path, text) : ParseLines(path, text))
        {
            if (!Defaults.ContainsKey(key))
                throw new GpuEngineException($"--energy-table: {path}{where}: unknown key '{key}'; the keys are {string.Join(", ", Defaults.Keys)}");
            if (!double.IsFinite(value) || value < 0 || (key == "cache_hit_rate" && value > 1))
                throw new GpuEngineException($"--energy-table: {path}{where}: '{key}' must be {(key == "cache_hit_rate" ? "between 0 and 1" : "a cost of 0 pJ or more")}, got {value.ToString(CultureInfo.InvariantCulture)}");
            costs[key] = value;
        }
        return new EnergyTable(costs, $"RASP's default table with {Path.GetFileName(path)}'s entries");
    }

    private static IEnumerable<(string Key, double Value, string Where)> ParseLines(string path, string text)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new GpuEngineException($"--energy-table: {path} line {i + 1}: expected 'key = number' (pJ), got '{line}'");
            yield return (parts[0], value, $" line {i + 1}");
        }
    }

    private static List<(string Key, double Value, string Where)> ParseJson(string path, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new GpuEngineException($"--energy-table: {path}: expected a JSON object of key to number (pJ)");
            return [.. doc.RootElement.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.Number
                ? (p.Name, p.Value.GetDouble(), "")
                : throw new GpuEngineException($"--energy-table: {path}: '{p.Name}' must be a number (pJ), got {p.Value.ValueKind.ToString().ToLowerInvariant()}"))];
        }
        catch (JsonException e)
        {
            throw new GpuEngineException($"--energy-table: {path}: not valid JSON (line {e.LineNumber + 1}): {e.Message.Split('.')[0]}");
        }
    }
}
