using ILGPU.Runtime.Cuda;

namespace GpuEngine.Diagnostics.Ptx;

/// <summary>
/// A GPU architecture the CUDA path is proven for offline: the name ptxas takes (<c>sm_90</c>), ILGPU's matching
/// <see cref="CudaArchitecture"/>, and the per-SM limits that bound theoretical occupancy (CUDA C Programming Guide,
/// "Technical Specifications per Compute Capability", 8.0 and 9.0).
/// </summary>
public sealed record CudaTarget(
    string Name,
    CudaArchitecture Architecture,
    int RegistersPerSm,
    int MaxThreadsPerSm,
    int MaxBlocksPerSm,
    int SharedBytesPerSm,
    int MaxSharedBytesPerBlock)
{
    /// <summary>Threads per warp on every NVIDIA GPU.</summary>
    public const int WarpSize = 32;

    /// <summary>Registers are allocated per warp in units of 256 (8 per thread).</summary>
    public const int RegisterAllocationUnit = 256;

    /// <summary>Shared memory the driver reserves for every resident block on compute capability 8.0 and later.</summary>
    public const int ReservedSharedBytesPerBlock = 1024;

    /// <summary>The PTX ISA ILGPU writes: 7.8, the newest ptxas 11.8 reads.</summary>
    public static CudaInstructionSet InstructionSet => CudaInstructionSet.ISA_78;

    /// <summary>A100 class: 65,536 registers, 2,048 threads, 32 blocks and 164 KB shared memory per SM.</summary>
    public static CudaTarget Sm80 { get; } = new("sm_80", CudaArchitecture.SM_80, 65536, 2048, 32, 164 * 1024, 163 * 1024);

    /// <summary>H100/H200 class: 65,536 registers, 2,048 threads, 32 blocks and 228 KB shared memory per SM.</summary>
    public static CudaTarget Sm90 { get; } = new("sm_90", CudaArchitecture.SM_90, 65536, 2048, 32, 228 * 1024, 227 * 1024);

    /// <summary>Every target, oldest first.</summary>
    public static IReadOnlyList<CudaTarget> All { get; } = [Sm80, Sm90];

    /// <summary>The target named <paramref name="name"/> (<c>sm_90</c>, also <c>sm90</c> or <c>90</c>), or an error listing the valid names.</summary>
    public static CudaTarget Parse(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace("sm_", "").Replace("sm", "");
        return All.FirstOrDefault(t => t.Name == "sm_" + key)
            ?? throw new GpuEngineException($"--arch '{name}' is not one of {string.Join(", ", All.Select(t => t.Name))}");
    }

    /// <summary>
    /// Theoretical occupancy: resident warps per SM over the SM's maximum (<see cref="MaxThreadsPerSm"/> / 32), with
    /// resident blocks = min(block limit, thread limit, register limit, shared-memory limit), where
    /// register limit = floor(floor(RegistersPerSm / (ceil(registers · 32 / 256) · 256)) / warps per block) and
    /// shared limit = floor(SharedBytesPerSm / (shared bytes per block + 1 KB reserved)). Zero when a block cannot fit.
    /// </summary>
    public Occupancy Occupancy(int registersPerThread, int sharedBytesPerBlock, int threadsPerBlock)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadsPerBlock);
        int warpsPerBlock = (threadsPerBlock + WarpSize - 1) / WarpSize;
        int registersPerWarp = RoundUp(Math.Max(registersPerThread, 1) * WarpSize, RegisterAllocationUnit);
        int byThreads = MaxThreadsPerSm / (warpsPerBlock * WarpSize);
        int byRegisters = RegistersPerSm / registersPerWarp / warpsPerBlock;
        int byShared = sharedBytesPerBlock > MaxSharedBytesPerBlock
            ? 0
            : SharedBytesPerSm / (sharedBytesPerBlock + ReservedSharedBytesPerBlock);
        int blocks = Math.Min(Math.Min(MaxBlocksPerSm, byThreads), Math.Min(byRegisters, byShared));
        string limiter = blocks == MaxBlocksPerSm ? "blocks" : blocks == byThreads ? "threads" : blocks == byRegisters ? "registers" : "shared";
        int maxWarps = MaxThreadsPerSm / WarpSize;
        return new Occupancy(blocks, blocks * warpsPerBlock, (double)(blocks * warpsPerBlock) / maxWarps, limiter);
    }

    private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
}

/// <summary>Resident blocks and warps per SM, their fraction of the SM's warp slots, and which limit binds.</summary>
public sealed record Occupancy(int BlocksPerSm, int WarpsPerSm, double Fraction, string Limiter);
