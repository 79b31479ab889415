using System.Buffers.Binary;

namespace GpuEngine.Tests.Loading;

/// <summary>
/// A deterministic, coverage-blind but structure-aware mutator: bit flips, byte inserts and deletes, edits of
/// length-like fields (little-endian 16/32/64-bit words and protobuf varints set to boundary values), truncations,
/// and splices of two seeds. The same seed number gives the same inputs on every machine.
/// </summary>
public sealed class StructuredMutator(IReadOnlyList<byte[]> seeds, int seed)
{
    private readonly Random rng = new(seed);

    private static readonly ulong[] Boundaries = [0, 1, 7, 8, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, long.MaxValue, ulong.MaxValue];

    /// <summary>The next mutated input: one to three mutations of one seed.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(seeds[rng.Next(seeds.Count)]);
        int mutations = rng.Next(1, 4);
        for (int m = 0; m < mutations; m++) Mutate(data);
        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        if (data.Count == 0)
        {
            data.Add((byte)rng.Next(256));
            return;
        }
        switch (rng.Next(7))
        {
            case 0: // bit flips, a third of them in the first 64 bytes where headers live
                for (int f = rng.Next(1, 9); f > 0; f--) data[Position(data)] ^= (byte)(1 << rng.Next(8));
                break;
            case 1: // insert a run of bytes
                data.InsertRange(Position(data), Enumerable.Range(0, rng.Next(1, 17)).Select(_ => (byte)rng.Next(256)));
                break;
            case 2: // delete a run of bytes
                {
                    int at = Position(data);
                    data.RemoveRange(at, Math.Min(rng.Next(1, 17), data.Count - at));
                    break;
                }
            case 3: // a little-endian length field set to a boundary value (or off by one from its own value)
                EditWord(data);
                break;
            case 4: // a protobuf varint (a length or a tag's value) replaced by a boundary value
                EditVarint(data);
                break;
            case 5: // truncation
                {
                    int cut = rng.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    break;
                }
            default: // splice: this input's head, another seed's tail
                {
                    var other = seeds[rng.Next(seeds.Count)];
                    int head = rng.Next(data.Count + 1), tail = rng.Next(other.Length + 1);
                    data.RemoveRange(head, data.Count - head);
                    data.AddRange(other.Skip(tail));
                    break;
                }
        }
    }

    private int Position(List<byte> data) => rng.Next(3) == 0 ? rng.Next(Math.Min(64, data.Count)) : rng.Next(data.Count);

    private void EditWord(List<byte> data)
    {
        int width = new[] { 2, 4, 8 }[rng.Next(3)];
        if (data.Count < width) return;
        int at = rng.Next(2) == 0 ? rng.Next(Math.Min(16, data.Count - width + 1)) : rng.Next(data.Count - width + 1);
        Span<byte> word = stackalloc byte[8];
        for (int i = 0; i < width; i++) word[i] = data[at + i];
        ulong old = BinaryPrimitives.ReadUInt64LittleEndian(word);
        ulong value = rng.Next(3) == 0 ? old + (ulong)rng.Next(-2, 3) : Boundaries[rng.Next(Boundaries.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(word, value);
        for (int i = 0; i < width; i++) data[at + i] = word[i];
    }

    private void EditVarint(List<byte> data)
    {
        int at = Position(data);
        int end = at;
        while (end < data.Count && end - at < 10 && (data[end] & 0x80) != 0) end++;
        data.RemoveRange(at, Math.Min(end + 1, data.Count) - at);
        ulong value = Boundaries[rng.Next(Boundaries.Length)];
        var encoded = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            encoded.Add(value != 0 ? (byte)(b | 0x80) : b);
        } while (value != 0);
        data.InsertRange(at, encoded);
    }
}
