using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GpuEngine.Loading;

/// <summary>
/// One rule of a name map, as two templates: a checkpoint's name and the zoo's parameter name.
/// Placeholders: <c>{s}</c> a stage index (<c>{s+1}</c> the same index plus one), <c>{b}</c> a block index,
/// <c>{p}</c> the rest of the name (weight, bias, running_mean, ...).
/// </summary>
public sealed record NameRule(string External, string Zoo);

/// <summary>
/// A mapping between a family of checkpoints' state_dict names and the zoo's parameter names,
/// written as data (<see cref="NameRule"/>s, first match wins) so that it can be read, tested and extended
/// without code. Applies in both directions.
/// </summary>
public sealed class WeightNameMap
{
    private readonly (Template External, Template Zoo)[] _rules;

    public WeightNameMap(string name, string description, IReadOnlyList<NameRule> rules)
    {
        Name = name;
        Description = description;
        Rules = rules;
        _rules = [.. rules.Select(r => (new Template(r.External), new Template(r.Zoo)))];
    }

    /// <summary>Short name used on the command line and in metadata: official, timm.</summary>
    public string Name { get; }
    public string Description { get; }
    public IReadOnlyList<NameRule> Rules { get; }

    /// <summary>The zoo parameter name for a checkpoint name, or null when no rule matches.</summary>
    public string? ToZoo(string external)
    {
        foreach (var (ext, zoo) in _rules)
        {
            if (ext.TryMatch(external, out var values)) return zoo.Format(values);
        }
        return null;
    }

    /// <summary>The checkpoint name for a zoo parameter name, or null when no rule matches.</summary>
    public string? FromZoo(string zooName)
    {
        foreach (var (ext, zoo) in _rules)
        {
            if (zoo.TryMatch(zooName, out var values)) return ext.Format(values);
        }
        return null;
    }

    public override string ToString() => Name;

    /// <summary>A compiled template: a regex for matching and the pieces for formatting.</summary>
    private sealed class Template
    {
        private readonly Regex _regex;
        private readonly List<(string Literal, string? Slot, int Offset)> _parts = [];

        public Template(string text)
        {
            var pattern = new StringBuilder("^");
            foreach (var piece in Regex.Split(text, @"(\{[a-z](?:\+1)?\})"))
            {
                if (piece.Length == 0) continue;
                if (piece[0] == '{')
                {
                    string slot = piece[1..2];
                    int offset = piece.Contains("+1") ? 1 : 0;
                    _parts.Add(("", slot, offset));
                    pattern.Append(slot == "p" ? $"(?<{slot}>.+)" : $"(?<{slot}>\\d+)");
                }
                else
                {
                    _parts.Add((piece, null, 0));
                    pattern.Append(Regex.Escape(piece));
                }
            }
            _regex = new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        /// <summary>Matches a name and returns its slot values with this template's offsets removed.</summary>
        public bool TryMatch(string name, out Dictionary<string, string> values)
        {
            values = [];
            var m = _regex.Match(name);
            if (!m.Success) return false;
            foreach (var (_, slot, offset) in _parts)
            {
                if (slot is null) continue;
                string v = m.Groups[slot].Value;
                if (offset != 0)
                {
                    int n = int.Parse(v, CultureInfo.InvariantCulture) - offset;
                    if (n < 0) return false;
                    v = n.ToString(CultureInfo.InvariantCulture);
                }
                values[slot] = v;
            }
            return true;
        }

        public string Format(IReadOnlyDictionary<string, string> values)
        {
            var sb = new StringBuilder();
            foreach (var (literal, slot, offset) in _parts)
            {
                if (slot is null) sb.Append(literal);
                else if (offset == 0) sb.Append(values[slot]);
                else sb.Append(int.Parse(values[slot], CultureInfo.InvariantCulture) + offset);
            }
            return sb.ToString();
        }
    }
}
