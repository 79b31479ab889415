using GpuEngine.Ir;
using System.Collections.Concurrent;
using GpuEngine.Backends;
using GpuEngine.Execution.Launchers;
using GpuEngine.Planning;

namespace GpuEngine.Execution;

/// <summary>
/// The per-call side of the session: an execution state is the activations of one inference (an arena, or a buffer
/// per tensor, and the int8 edge buffers) and the launches prepared against them. The first state is built with the
/// session; <see cref="Run(Tensor)"/> takes it when free, so sequential callers (calibration reads intermediates
/// after Run) always see it, and otherwise takes a spare or builds one.
/// </summary>
public sealed partial class InferenceSession
{
    private readonly List<ExecutionState> _states = [];
    private readonly ConcurrentBag<ExecutionState> _spares = [];
    private readonly Lock _building = new();
    private int _primaryBusy;

    /// <summary>Execution states built so far (1 until calls overlap): each holds one arena.</summary>
    public int ExecutionStates
    {
        get
        {
            lock (_states) return _states.Count;
        }
    }

    private ExecutionState Rent()
    {
        if (Interlocked.CompareExchange(ref _primaryBusy, 1, 0) == 0) return _primary;
        if (_spares.TryTake(out var spare)) return spare;
        var state = new ExecutionState();
        try
        {
            // Building writes the session's shared tables the first time (extra tensor types): one builder at a time.
            lock (_building)
            {
                PrepareState(state);
                ApplyChosenTactics(state);
            }
        }
        catch
        {
            state.Dispose();
            throw;
        }
        lock (_states) _states.Add(state);
        return state;
    }

    private void Return(ExecutionState state)
    {
        if (ReferenceEquals(state, _primary)) Volatile.Write(ref _primaryBusy, 0);
        else _spares.Add(state);
    }

    /// <summary>Allocates the state's activations and prepares its launches.</summary>
    private void PrepareState(ExecutionState state)
    {
        if (Options.PlanMemory) AllocateArena(state); else AllocatePerTensor(state);
        var empty = new BufferSlice(_buffers[0], 0, 0);
        var context = new LaunchContext(ExecutionGraph, state.Activation, Weight, empty);
        state.Launches = Quantization is not null
            ? PrepareInt8(state, context)
            : [.. ExecutionGraph.Nodes.SelectMany(n => OpLaunchers.Plan(n, context))];
        // Fixed tactics take each launch's best-known kernel now (on the cpu: the SIMD ones, weights packed here).
        if (Options.Tactics == Tactics.TacticMode.Fixed) state.Launches = [.. state.Launches.Select(Tactics.TacticCandidates.Fixed)];
    }

    /// <summary>One buffer for all activations; each tensor at its planned offset.</summary>
    private void AllocateArena(ExecutionState state)
    {
        var arena = Allocate(Plan.ArenaBytes, state.Buffers);
        foreach (var t in Plan.Tensors) state.Activations[t.Name] = new BufferSlice(arena, t.Offset, t.Shape.Elements);
    }

    /// <summary>A buffer per tensor, except views (Flatten, Dropout), which must share their input's bytes.</summary>
    private void AllocatePerTensor(ExecutionState state)
    {
        foreach (var input in ExecutionGraph.Inputs)
            state.Activations[input.Name] = new BufferSlice(Allocate(input.Bytes, state.Buffers), 0, input.Shape.Elements);
        foreach (var node in ExecutionGraph.Nodes)
        {
            var info = ExecutionGraph.Tensor(node.Output);
            state.Activations[node.Output] = InPlaceRules.IsView(node.Op)
                ? state.Activations[node.Inputs[0]] with { Elements = info.Shape.Elements }
                : new BufferSlice(Allocate(info.Bytes, state.Buffers), 0, info.Shape.Elements);
        }
    }

    /// <summary>One inference's device memory and the launches that use it.</summary>
    private sealed class ExecutionState : IDisposable
    {
        public List<DeviceBuffer> Buffers { get; } = [];
        public Dictionary<string, BufferSlice> Activations { get; } = [];
        public IReadOnlyList<KernelLaunch> Launches { get; set; } = [];
        public long Bytes => Buffers.Sum(b => b.Bytes);

        public BufferSlice Activation(string name) => Activations.TryGetValue(name, out var slice)
            ? slice
            : throw new GpuEngineException($"tensor '{name}' has no place in the session's memory");

        public void Dispose()
        {
            foreach (var buffer in Buffers) buffer.Dispose();
            Buffers.Clear();
        }
    }
}
