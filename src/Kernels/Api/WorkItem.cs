namespace GpuEngine.Kernels;

/// <summary>
/// Where one work item sits in the launch grid, in the cpu backend's C# of a kernel (the generator's translation of
/// ILGPU's Grid/Group indices; kernel source never names it). OpenCL reads get_local_id/get_group_id/... instead
/// (the [DeviceIntrinsic] templates); the cpu backend fills this struct.
/// Group = CUDA block = OpenCL work group; Local = id inside the group.
/// </summary>
public readonly record struct WorkItem(
    [property: DeviceIntrinsic("((int)get_local_id(0))")] int LocalX,
    [property: DeviceIntrinsic("((int)get_local_id(1))")] int LocalY,
    [property: DeviceIntrinsic("((int)get_local_id(2))")] int LocalZ,
    [property: DeviceIntrinsic("((int)get_group_id(0))")] int GroupX,
    [property: DeviceIntrinsic("((int)get_group_id(1))")] int GroupY,
    [property: DeviceIntrinsic("((int)get_group_id(2))")] int GroupZ,
    [property: DeviceIntrinsic("((int)get_local_size(0))")] int GroupSizeX,
    [property: DeviceIntrinsic("((int)get_local_size(1))")] int GroupSizeY,
    [property: DeviceIntrinsic("((int)get_local_size(2))")] int GroupSizeZ,
    [property: DeviceIntrinsic("((int)get_num_groups(0))")] int GroupCountX,
    [property: DeviceIntrinsic("((int)get_num_groups(1))")] int GroupCountY,
    [property: DeviceIntrinsic("((int)get_num_groups(2))")] int GroupCountZ)
{
    /// <summary>Global id in x: GroupX * GroupSizeX + LocalX.</summary>
    [DeviceIntrinsic("((int)get_global_id(0))")]
    public int GlobalX => GroupX * GroupSizeX + LocalX;

    /// <summary>Global id in y.</summary>
    [DeviceIntrinsic("((int)get_global_id(1))")]
    public int GlobalY => GroupY * GroupSizeY + LocalY;

    /// <summary>Global id in z.</summary>
    [DeviceIntrinsic("((int)get_global_id(2))")]
    public int GlobalZ => GroupZ * GroupSizeZ + LocalZ;

    /// <summary>Total work items in x (group size times group count).</summary>
    [DeviceIntrinsic("((int)get_global_size(0))")]
    public int GlobalSizeX => GroupCountX * GroupSizeX;

    /// <summary>Total work items in y.</summary>
    [DeviceIntrinsic("((int)get_global_size(1))")]
    public int GlobalSizeY => GroupCountY * GroupSizeY;

    /// <summary>Total work items in z.</summary>
    [DeviceIntrinsic("((int)get_global_size(2))")]
    public int GlobalSizeZ => GroupCountZ * GroupSizeZ;

    /// <summary>Work items per group in all dimensions together.</summary>
    [DeviceIntrinsic("((int)(get_local_size(0) * get_local_size(1) * get_local_size(2)))")]
    public int GroupVolume => GroupSizeX * GroupSizeY * GroupSizeZ;

    /// <summary>Linear id inside the group (x fastest).</summary>
    [DeviceIntrinsic("((int)((get_local_id(2) * get_local_size(1) + get_local_id(1)) * get_local_size(0) + get_local_id(0)))")]
    public int LocalLinear => (LocalZ * GroupSizeY + LocalY) * GroupSizeX + LocalX;
}
