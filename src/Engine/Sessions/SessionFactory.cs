using GpuEngine.Execution;
using GpuEngine.Ir;

namespace GpuEngine.Sessions;

/// <summary>
/// The one way the command line (and a library user who wants on-the-fly int8) builds a session: an int8 session
/// without a quantized model is calibrated first with <see cref="SessionOptions.Calibration"/> (<see cref="Calibrator"/>,
/// on the cpu backend), then built with that model like any other. The caller owns and disposes the session.
/// </summary>
public static class SessionFactory
{
    /// <summary>Builds a session for <paramref name="graph"/>; <see cref="InferenceSession.Quantization"/> holds the model calibrated here, if any.</summary>
    public static InferenceSession Create(Graph graph, SessionOptions? options = null) => new(graph, Resolve(graph, options ?? new SessionOptions()));

    /// <summary>
    /// Loads <paramref name="model"/> (a zoo name or a model file, as <see cref="InferenceSession(string, SessionOptions?)"/> does)
    /// and builds its session, calibrating first where int8 is asked for without a quantized model.
    /// </summary>
    public static InferenceSession Create(string model, SessionOptions? options = null)
    {
        options ??= new SessionOptions();
        return Create(InferenceSession.LoadModel(model, options), options);
    }

    /// <summary>
    /// <paramref name="options"/> as a session takes them: for int8 without <see cref="SessionOptions.Quantization"/>, with the
    /// model calibrated now; otherwise unchanged.
    /// </summary>
    public static SessionOptions Resolve(Graph graph, SessionOptions options) =>
        options.Precision == Planning.Precision.Int8 && options.Quantization is null
            ? options with { Quantization = Calibrator.Calibrate(graph, options, options.Calibration) }
            : options;
}
