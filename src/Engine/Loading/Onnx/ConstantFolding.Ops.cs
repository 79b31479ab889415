namespace GpuEngine.Loading.Onnx;

internal static partial class ConstantFolding
{
    private static ShapeConstant? Shape(FoldNode n)
    {
        if (n.Inputs.Count == 0 || n.Inputs[0] is not { } x) return null;
        int rank = x.Rank;
        long start = Int(n, "start", 0), end = Int(n, "end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        return ShapeConstant.Ints([.. x.Dims.Skip((int)start).Take((int)Math.Max(0, end - start))]);
    }

    private static ShapeConstant Gather(FoldNode n, ShapeConstant data, ShapeConstant indices, int axisAttr)
    {
        int axis = Axis(n, axisAttr, data.Rank);
        long outer = ShapeConstant.Count(data.Dims[..axis]), inner = ShapeConstant.Count(data.Dims[(axis + 1)..]), size = data.Dims[axis];
        var dims = data.Dims[..axis].Concat(indices.Dims).Concat(data.Dims[(axis + 1)..]).ToArray();
        var values = new List<double>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var raw in indices.Longs)
            {
                long i = raw < 0 ? raw + size : raw;
                if (i < 0 || i >= size) throw n.Error($"gathers index {raw} from an axis of {size}");
                for (long k = 0; k < inner; k++) values.Add(data.Values[(o * size + i) * inner + k]);
            }
        }
        return Checked(n, new ShapeConstant(dims, [.. values], data.IsFloat));
    }

    private static long[] AxesOf(FoldNode n) =>
        n.Opset >= 13 ? Optional(n, 1)?.Longs ?? [] : Ints(n, "axes") ?? [];

    private static ShapeConstant Unsqueeze(FoldNode n)
    {
        var x = In(n, 0);
        var axes = AxesOf(n);
        int rank = x.Rank + axes.Length;
        var set = axes.Select(a => Axis(n, a, rank)).ToHashSet();
        if (set.Count != axes.Length) throw n.Error("repeats an axis");
        var dims = new List<long>();
        int next = 0;
        for (int i = 0; i < rank; i++) dims.Add(set.Contains(i) ? 1 : x.Dims[next++]);
        return x with { Dims = [.. dims] };
    }

    private static ShapeConstant Squeeze(FoldNode n)
    {
        var x = In(n, 0);
        var axes = AxesOf(n).Select(a => Axis(n, a, x.Rank)).ToHashSet();
        if (axes.Any(a => x.Dims[a] != 1)) throw n.Error("squeezes an axis that is not 1");
        return x with { Dims = [.. x.Dims.Where((d, i) => axes.Count == 0 ? d != 1 : !axes.Contains(i))] };
    }

    private static ShapeConstant Concat(FoldNode n, ShapeConstant[] parts, int axisAttr)
    {
        if (parts.Length == 0) throw n.Error("concatenates nothing");
        int rank = parts[0].Rank, axis = Axis(n, axisAttr, rank);
        foreach (var p in parts)
        {
            if (p.Rank != rank || Enumerable.Range(0, rank).Any(i => i != axis && p.Dims[i] != parts[0].Dims[i]))
                throw n.Error("concatenates tensors whose shapes differ off the axis");
        }
        long outer = ShapeConstant.Count(parts[0].Dims[..axis]);
        var values = new List<double>();
        for (long o = 0; o < outer; o++)
        {
            foreach (var p in parts)
            {
                long block = ShapeConstant.Count(p.Dims[axis..]);
                values.AddRange(p.Values.Skip((int)(o * block)).Take((int)block));
            }
        }
        var dims = (long[])parts[0].Dims.Clone();
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        return Checked(n, new ShapeConstant(dims, [.. values], parts.Any(p => p.IsFloat)));
    }

    private static ShapeConstant Slice(FoldNode n)
    {
        var x = In(n, 0);
        long[] starts, ends, axes, steps;
        if (n.Opset < 10)
        {
            starts = Ints(n, "starts") ?? throw n.Error("lacks attribute starts");
            ends = Ints(n, "ends") ?? throw n.Error("lacks attribute ends");
            axes = Ints(n, "axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = [.. starts.Select(_ => 1L)];
        }
        else
        {
            starts = In(n, 1).Longs;
            ends = In(n, 2).Longs;
            axes = Optional(n, 3)?.Longs ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = Optional(n, 4)?.Longs ?? [.. starts.Select(_ => 1L)];
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length) throw n.Error("has starts, ends, axes and steps of different lengths");
        var begin = new long[x.Rank];
        var step = Enumerable.Repeat(1L, x.Rank).ToArray();
        var dims = (long[])x.Dims.Clone();
        for (int k = 0; k < starts.Length; k++)
        {
            int a = Axis(n, axes[k], x.Rank);
            long size = x.Dims[a], s = steps[k];
            if (s == 0) throw n.Error("has a step of 0");
            // ONNX clamps starts and ends into the axis (INT64_MAX means "to the end").
            long Clamp(long v, long lo, long hi) => Math.Clamp(v < 0 ? v + size : v, lo, hi);
            long b = s > 0 ? Clamp(starts[k], 0, size) : Clamp(starts[k], -1, size - 1);
            long e = s > 0 ? Clamp(ends[k], 0, size) : Clamp(ends[k], -1, size - 1);
            begin[a] = b;
            step[a] = s;
            dims[a] = Math.Max(0, s > 0 ? (e - b + s - 1) / s : (b - e - s - 1) / -s);
        }
        var strides = ShapeConstant.Strides(x.Dims);
        long count = ShapeConstant.Count(dims);
        var values = new double[count];
        var index = new long[x.Rank];
        for (long i = 0; i < count; i++)
        {
            long rest = i, offset = 0;
            for (int d = x.Rank - 1; d >= 0; d--)
            {
                index[d] = dims[d] == 0 ? 0 : rest % dims[d];
                rest = dims[d] == 0 ? 0 : rest / dims[d];
                offset += (begin[d] + index[d] * step[d]) * strides[d];
            }
            values[i] = x.Values[offset];
        }
        return new ShapeConstant(dims, values, x.IsFloat);
    }

    private static ShapeConstant Cast(FoldNode n)
    {
        var x = In(n, 0);
        long to = Int(n, "to", 0);
        // FLOAT, FLOAT16, DOUBLE, BFLOAT16 are floats; the integer and bool types truncate toward zero.
        bool isFloat = to is 1 or 10 or 11 or 16;
        if (to is 9) return x with { Values = [.. x.Values.Select(v => v != 0 ? 1.0 : 0.0)], IsFloat = false };
        return x with { Values = isFloat ? x.Values : [.. x.Values.Select(Math.Truncate)], IsFloat = isFloat };
    }

    private static ShapeConstant ConstantOfShape(FoldNode n)
    {
        var dims = In(n, 0).Longs;
        if (dims.Any(d => d < 0)) throw n.Error($"has a negative dimension in [{string.Join(", ", dims)}]");
        double fill = 0;
        bool isFloat = true;
        if (n.Attributes.TryGetValue("value", out var a) && a.T is not null)
        {
            var v = ShapeConstant.Of(a.T, n.File);
            fill = v.Values.Length > 0 ? v.Values[0] : 0;
            isFloat = v.IsFloat;
        }
        if (ShapeConstant.Count(dims) > ShapeConstant.MaxElements) throw n.Error($"makes a constant of {ShapeConstant.Count(dims)} elements; at most {ShapeConstant.MaxElements} are folded");
        return new ShapeConstant(dims, Enumerable.Repeat(fill, (int)ShapeConstant.Count(dims)).ToArray(), isFloat);
    }

    /// <summary>Reshape of a constant: 0 copies the input's dimension, -1 takes the rest.</summary>
    private static ShapeConstant Reshape(FoldNode n, ShapeConstant x, long[] shape)
    {
        long total = ShapeConstant.Count(x.Dims);
        var dims = shape.Select((d, i) => d == 0 && i < x.Rank ? x.Dims[i] : d).ToArray();
        int unknown = Array.IndexOf(dims, -1L);
        if (unknown >= 0)
        {
            long known = dims.Where((d, i) => i != unknown).Aggregate(1L, (a, b) => a * b);
            dims[unknown] = known == 0 ? 0 : total / known;
        }
        if (ShapeConstant.Count(dims) != total || dims.Any(d => d < 0)) throw n.Error($"reshapes {total} elements to [{string.Join(", ", shape)}]");
        return x with { Dims = dims };
    }

    /// <summary>Add, Sub, Mul, Div with NumPy broadcasting; integer Div truncates, as ONNX Runtime's does.</summary>
    private static ShapeConstant Arithmetic(FoldNode n)
    {
        ShapeConstant a = In(n, 0), b = In(n, 1);
        int rank = Math.Max(a.Rank, b.Rank);
        long[] Pad(long[] d) => [.. Enumerable.Repeat(1L, rank - d.Length), .. d];
        long[] da = Pad(a.Dims), db = Pad(b.Dims), dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            if (da[i] != db[i] && da[i] != 1 && db[i] != 1) throw n.Error($"broadcasts [{string.Join(", ", a.Dims)}] with [{string.Join(", ", b.Dims)}]");
            dims[i] = da[i] == 1 ? db[i] : da[i];
        }
        long[] sa = ShapeConstant.Strides(da), sb = ShapeConstant.Strides(db);
        bool isFloat = a.IsFloat || b.IsFloat;
        long count = ShapeConstant.Count(dims);
        var values = new double[count];
        for (long i = 0; i < count; i++)
        {
            long rest = i, ia = 0, ib = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                long k = rest % dims[d];
                rest /= dims[d];
                if (da[d] != 1) ia += k * sa[d];
                if (db[d] != 1) ib += k * sb[d];
            }
            double x = a.Values[ia], y = b.Values[ib];
            values[i] = n.OpType switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                _ when !isFloat && y == 0 => throw n.Error("divides an integer by zero"),
                _ => isFloat ? x / y : Math.Truncate(x / y),
            };
        }
        return Checked(n, new ShapeConstant(dims, values, isFloat));
    }
}
