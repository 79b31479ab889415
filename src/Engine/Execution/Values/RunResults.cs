using System.Buffers;
using System.Collections;

namespace GpuEngine.Execution;

/// <summary>A read-only collection whose items hold resources: dispose it to release them (ONNX Runtime's interface of this name).</summary>
public interface IDisposableReadOnlyCollection<out T> : IReadOnlyCollection<T>, IDisposable;

/// <summary>
/// The outputs of one <see cref="InferenceSession.Run(IReadOnlyCollection{NamedTensor}, IReadOnlyCollection{string})"/>,
/// in the order asked for. The caller owns the collection and disposes it; its values' memory is rented from a
/// shared pool and goes back on <see cref="Dispose"/>, after which reading a value throws. Copy a value out with
/// <see cref="NamedTensor.ToTensor"/> to keep it. Not thread-safe (one owner).
/// </summary>
public sealed class RunResults : IDisposableReadOnlyCollection<NamedTensor>, IReadOnlyList<NamedTensor>
{
    private readonly List<NamedTensor> _values = [];
    private readonly List<float[]> _rented = [];

    internal RunResults() { }

    /// <summary>Whether <see cref="Dispose"/> ran: the values' memory is gone.</summary>
    public bool IsDisposed { get; private set; }

    public int Count => _values.Count;

    public NamedTensor this[int index] => _values[index];

    /// <summary>The output named <paramref name="name"/>.</summary>
    public NamedTensor this[string name] => _values.Find(v => v.Name == name)
        ?? throw new GpuEngineException($"no output '{name}' in these results; they hold {string.Join(", ", _values.Select(v => v.Name))}");

    /// <summary>Rents float memory for output <paramref name="name"/> (the run overwrites all of it) and adds it.</summary>
    internal NamedTensor Add(string name, Ir.TensorShape shape)
    {
        int length = checked((int)shape.Elements);
        var array = ArrayPool<float>.Shared.Rent(length);
        _rented.Add(array);
        var value = NamedTensor.Owned(name, array.AsMemory(0, length), shape, this);
        _values.Add(value);
        return value;
    }

    public IEnumerator<NamedTensor> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the values' memory to the pool; the values are unreadable afterwards. Safe to call twice.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        foreach (var array in _rented) ArrayPool<float>.Shared.Return(array);
        _rented.Clear();
    }
}
