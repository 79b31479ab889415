namespace GpuEngine.Kernels;

/// <summary>
/// Where one work item (CUDA thread) sits in the launch grid; the first parameter of every kernel.
/// Device code reads the hardware registers instead (threadIdx/blockIdx/blockDim/gridDim in CUDA,
/// get_local_id/get_group_id/... in OpenCL); on the CPU the backend fills this struct.
/// Group = CUDA block = OpenCL work group; Local = id inside the group.
/// </summary>
public readonly record struct WorkItem(
    [property: DeviceIntrinsic("((int)threadIdx.x)", "((int)get_local_id(0))")] int LocalX,
    [property: DeviceIntrinsic("((int)threadIdx.y)", "((int)get_local_id(1))")] int LocalY,
    [property: DeviceIntrinsic("((int)threadIdx.z)", "((int)get_local_id(2))")] int LocalZ,
    [property: DeviceIntrinsic("((int)blockIdx.x)", "((int)get_group_id(0))")] int GroupX,
    [property: DeviceIntrinsic("((int)blockIdx.y)", "((int)get_group_id(1))")] int GroupY,
    [property: DeviceIntrinsic("((int)blockIdx.z)", "((int)get_group_id(2))")] int GroupZ,
    [property: DeviceIntrinsic("((int)blockDim.x)", "((int)get_local_size(0))")] int GroupSizeX,
    [property: DeviceIntrinsic("((int)blockDim.y)", "((int)get_local_size(1))")] int GroupSizeY,
    [property: DeviceIntrinsic("((int)blockDim.z)", "((int)get_local_size(2))")] int GroupSizeZ,
    [property: DeviceIntrinsic("((int)gridDim.x)", "((int)get_num_groups(0))")] int GroupCountX,
    [property: DeviceIntrinsic("((int)gridDim.y)", "((int)get_num_groups(1))")] int GroupCountY,
    [property: DeviceIntrinsic("((int)gridDim.z)", "((int)get_num_groups(2))")] int GroupCountZ)
{
    /// <summary>Global id in x: GroupX * GroupSizeX + LocalX.</summary>
    [DeviceIntrinsic("((int)(blockIdx.x * blockDim.x + threadIdx.x))", "((int)get_global_id(0))")]
    public int GlobalX => GroupX * GroupSizeX + LocalX;

    /// <summary>Global id in y.</summary>
    [DeviceIntrinsic("((int)(blockIdx.y * blockDim.y + threadIdx.y))", "((int)get_global_id(1))")]
    public int GlobalY => GroupY * GroupSizeY + LocalY;

    /// <summary>Global id in z.</summary>
    [DeviceIntrinsic("((int)(blockIdx.z * blockDim.z + threadIdx.z))", "((int)get_global_id(2))")]
    public int GlobalZ => GroupZ * GroupSizeZ + LocalZ;

    /// <summary>Total work items in x (group size times group count).</summary>
    [DeviceIntrinsic("((int)(gridDim.x * blockDim.x))", "((int)get_global_size(0))")]
    public int GlobalSizeX => GroupCountX * GroupSizeX;

    /// <summary>Total work items in y.</summary>
    [DeviceIntrinsic("((int)(gridDim.y * blockDim.y))", "((int)get_global_size(1))")]
    public int GlobalSizeY => GroupCountY * GroupSizeY;

    /// <summary>Total work items in z.</summary>
    [DeviceIntrinsic("((int)(gridDim.z * blockDim.z))", "((int)get_global_size(2))")]
    public int GlobalSizeZ => GroupCountZ * GroupSizeZ;

    /// <summary>Work items per group in all dimensions together.</summary>
    [DeviceIntrinsic("((int)(blockDim.x * blockDim.y * blockDim.z))", "((int)(get_local_size(0) * get_local_size(1) * get_local_size(2)))")]
    public int GroupVolume => GroupSizeX * GroupSizeY * GroupSizeZ;

    /// <summary>Linear id inside the group (x fastest).</summary>
    [DeviceIntrinsic("((int)((threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x))",
        "((int)((get_local_id(2) * get_local_size(1) + get_local_id(1)) * get_local_size(0) + get_local_id(0)))")]
    public int LocalLinear => (LocalZ * GroupSizeY + LocalY) * GroupSizeX + LocalX;
}
