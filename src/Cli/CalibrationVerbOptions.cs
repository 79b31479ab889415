using CommandLine;
using GpuEngine.Quantization;

namespace GpuEngine.Cli;

/// <summary>
/// How int8 calibration picks activation ranges: the same options on every verb that calibrates (quantize, and run and
/// profile with --precision int8 and no --quantized). Unset options take <see cref="CalibrationOptions"/>' defaults.
/// </summary>
public abstract class CalibrationVerbOptions : ModelOptions
{
    [Option("calib", HelpText = "Calibrate on this many random inputs (uniform [-1, 1), seeds --seed+1..). Default 8.")]
    public int? Calib { get; set; }

    [Option("calib-dir", HelpText = "Calibrate on the .npy inputs of this folder instead.")]
    public string? CalibDir { get; set; }

    [Option("calib-method", HelpText = "minmax (largest |x|, default), percentile (see --percentile) or mse (the clipping threshold with the least squared int8 error).")]
    public CalibrationMethod? Method { get; set; }

    [Option("percentile", HelpText = "Percentile of |x| for --calib-method percentile. Default 99.99.")]
    public double? Percentile { get; set; }

    [Option("max-memory", HelpText = "Most memory the session and its input may take, like 512MiB or 8GiB. Default: half the memory available.")]
    public string? MaxMemory { get; set; }

    /// <summary>--max-memory in bytes, or the default.</summary>
    protected override long MemoryLimit => MaxMemory is null ? Execution.MemoryBudget.DefaultBytes : Execution.MemoryBudget.Parse(MaxMemory);

    /// <summary>True when any calibration option is on the command line.</summary>
    public bool CalibrationGiven => Calib is not null || CalibDir is not null || Method is not null || Percentile is not null;

    /// <summary>The calibration the command line asks for.</summary>
    public CalibrationOptions Calibration()
    {
        var defaults = new CalibrationOptions();
        return new CalibrationOptions
        {
            Samples = Calib ?? defaults.Samples,
            Seed = Seed,
            Directory = CalibDir,
            Method = Method ?? defaults.Method,
            Percentile = Percentile ?? defaults.Percentile,
        };
    }
}
