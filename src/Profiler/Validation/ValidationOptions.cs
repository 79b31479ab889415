using GpuEngine.Ir;

namespace GpuEngine.Profiling.Validation;

/// <summary>
/// Settings a table does not always state. Null means "read it from the document": the model from the
/// table's heading, the input from text such as <c>input_size=(3,112,112)</c>, the classes from the last layer's width.
/// </summary>
public sealed record ValidationOptions(string? Model = null, TensorShape? Input = null, int? Classes = null);
