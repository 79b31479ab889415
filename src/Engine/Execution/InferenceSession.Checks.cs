using GpuEngine.Ir;

namespace GpuEngine.Execution;

/// <summary>
/// Checks of named inputs and outputs before a run: one line naming the tensor, and both shapes where they differ.
/// They read only, so a good call allocates nothing here.
/// </summary>
public sealed partial class InferenceSession
{
    private void CheckInputs(IReadOnlyList<NamedTensor> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i] ?? throw new GpuEngineException($"input {i} is null");
            var info = InputInfo(input.Name);
            CheckType("input", input, info);
            for (int j = 0; j < i; j++)
                if (inputs[j].Name == input.Name) throw new GpuEngineException($"input '{input.Name}' is given twice");
            // int8 would quantize NaN and infinity to arbitrary, device-dependent codes: refuse rather than answer.
            if (Quantization is not null && NonFinite.Count(input.Floats) is > 0 and var bad)
                throw new GpuEngineException($"input '{input.Name}' holds {bad:N0} NaN or infinite values; int8 cannot quantize them");
        }
        for (int m = 0; m < InputMetadata.Count; m++)
            if (!Contains(inputs, InputMetadata[m].Name))
                throw new GpuEngineException($"input '{InputMetadata[m].Name}' ({InputMetadata[m].DataType.Name()} {InputMetadata[m].Shape}) is missing; the model takes {string.Join(", ", InputNames)}");
    }

    private void CheckOutput(NamedTensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckType("output", output, OutputInfo(output.Name));
    }

    private static void CheckType(string kind, NamedTensor value, TensorInfo info)
    {
        if (value.Shape != info.Shape || value.DataType != info.DataType)
            throw new ShapeMismatchException(
                $"{kind} '{value.Name}': the model {(kind == "input" ? "expects" : "returns")} {info.DataType.Name()} {info.Shape}, got {value.DataType.Name()} {value.Shape}");
    }

    private TensorInfo InputInfo(string name)
    {
        for (int i = 0; i < InputMetadata.Count; i++)
            if (InputMetadata[i].Name == name) return InputMetadata[i];
        throw new GpuEngineException($"'{name}' is not an input of model '{Model.Name}'; it takes {string.Join(", ", InputNames)}");
    }

    private TensorInfo OutputInfo(string name)
    {
        var outputs = OutputMetadata;
        for (int i = 0; i < outputs.Count; i++)
            if (outputs[i].Name == name)
                return Quantization is not null && i > 0
                    ? throw new GpuEngineException($"output '{name}': int8 sessions return their first output only ('{outputs[0].Name}')")
                    : outputs[i];
        throw new GpuEngineException($"'{name}' is not an output of model '{Model.Name}'; it returns {string.Join(", ", OutputNames)}");
    }

    private static bool Contains(IReadOnlyList<NamedTensor> values, string name)
    {
        for (int i = 0; i < values.Count; i++)
            if (values[i].Name == name) return true;
        return false;
    }
}
