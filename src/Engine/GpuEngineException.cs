namespace GpuEngine;

/// <summary>
/// An error the user can act on: bad input, an inconsistent model, a missing native library.
/// The message names what is wrong and where (file, node, tensor, shape); the command line
/// prints it as one line and exits non-zero, without a stack trace.
/// </summary>
public class GpuEngineException : Exception
{
    public GpuEngineException(string message) : base(message) { }
    public GpuEngineException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Shapes that do not fit together: the message names the op, the node and both shapes.</summary>
public sealed class ShapeMismatchException : GpuEngineException
{
    public ShapeMismatchException(string message) : base(message) { }
}
