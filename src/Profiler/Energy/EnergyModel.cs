using GpuEngine.Profiling.Costs;

namespace GpuEngine.Profiling.Energy;

/// <summary>
/// RASP's energy rule (its <c>energy</c> add-on), per layer in picojoules: operations times their cost plus bytes moved
/// times the cost of a byte (<see cref="EnergyTable.PerByte"/>). fp32: <c>4.5 × flops + 132 × (mem_r + mem_w)</c>.
/// int8 sessions use the int8 session's bytes and the integer costs: a Conv2d or Linear pays an int8 multiply per
/// MAC (RASP's macc column) and an int32 add for each of its other flops (the accumulator); Add and the average
/// pools, which sum in int32, pay int32 adds; ReLU and MaxPool, which compare int8 values, pay int8 adds; any other
/// op keeps RASP's float32 rule; conversions have no flops, so only their bytes cost. An estimate (45 nm figures).
/// </summary>
public static class EnergyModel
{
    /// <summary>The layer's estimated energy in pJ at <paramref name="precision"/>'s data types.</summary>
    public static double Of(LayerCost cost, CostPrecision precision, EnergyTable table) =>
        Operations(cost, precision, table) + (cost.MemR + cost.MemW) * table.PerByte(precision.IsInt8 ? "int8" : "float32");

    /// <summary>The arithmetic's share of <see cref="Of"/> (pJ).</summary>
    public static double Operations(LayerCost cost, CostPrecision precision, EnergyTable table)
    {
        if (!precision.IsInt8) return cost.Flops * table["float32_mult"];
        return cost.Type switch
        {
            "Conv2d" or "Linear" => cost.Macc * table["int8_mult"] + Math.Max(0, cost.Flops - cost.Macc) * table["int32_add"],
            "Add" or "AvgPool2d" or "AdaptiveAvgPool2d" => cost.Flops * table["int32_add"],
            "ReLU" or "ReLU6" or "MaxPool2d" => cost.Flops * table["int8_add"],
            _ => cost.Flops * table["float32_mult"],
        };
    }

    /// <summary>The rule in one line, stated under every report with an energy column.</summary>
    public static string Convention(CostPrecision precision, EnergyTable table) => !precision.IsInt8
        ? $"energy (pJ, an estimate as RASP's add-on computes it; {table.Source}) = float32_mult x flops + (hit x float32_sram + (1-hit) x float32_dram) x mem_rw = {Num(table["float32_mult"])} x flops + {Num(table.PerByte("float32"))} x mem_rw."
        : $"energy (pJ, an estimate after RASP's add-on; {table.Source}) = ops + {Num(table.PerByte("int8"))} x mem_rw (the int8 session's bytes); ops: Conv2d/Linear "
            + $"{Num(table["int8_mult"])} (int8_mult) x macc + {Num(table["int32_add"])} (int32_add) x (flops - macc); Add and average pools {Num(table["int32_add"])} x flops; "
            + $"ReLU and MaxPool {Num(table["int8_add"])} (int8_add) x flops; conversions 0 (no flops). docs/conventions.md gives the rule.";

    private static string Num(double v) => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
