using Google.Protobuf;
using GpuEngine.Ir;
using GpuEngine.Loading.Onnx.Proto;

namespace GpuEngine.Loading.Onnx;

/// <summary>
/// Reads and writes .onnx files: <see cref="Load"/> parses and imports a model into a <see cref="Graph"/> with its
/// initializers as weights; <see cref="Save"/> exports a graph with weights (fp32, opset 13).
/// </summary>
public static class OnnxFile
{
    /// <summary>Message nesting deeper than this is refused (a plain CNN nests about 6 deep; corrupt data can claim thousands).</summary>
    public const int MaxNesting = 32;

    /// <summary>Loads a model. <paramref name="input"/> replaces the first input's shape (needed where the file leaves dimensions symbolic, except the batch, which defaults to 1).</summary>
    public static Graph Load(string path, TensorShape? input = null) =>
        OnnxImporter.Import(Parse(ModelFile.ReadAll(path, "ONNX file"), path), path, input);

    /// <summary>Exports <paramref name="graph"/> (which must carry weights); an existing file is kept unless <paramref name="overwrite"/>.</summary>
    public static void Save(Graph graph, string path, bool overwrite = false) =>
        ModelFile.WriteAll(path, OnnxExporter.Export(graph).ToByteArray(), overwrite);

    /// <summary>Reads and parses an .onnx file without importing it (to hand it to another runtime).</summary>
    public static ModelProto Read(string path) => Parse(ModelFile.ReadAll(path, "ONNX file"), path);

    /// <summary>The ONNX model of <paramref name="graph"/> (with weights), as <see cref="Save"/> writes it; callers may add outputs before serializing.</summary>
    public static ModelProto Export(Graph graph) => OnnxExporter.Export(graph);

    /// <summary>Imports a parsed model as <see cref="Load"/> does; <paramref name="file"/> names it in errors.</summary>
    public static Graph Import(ModelProto model, string file, TensorShape? input = null) => OnnxImporter.Import(model, file, input);

    /// <summary>Parses model bytes with nesting and size limits; corrupt data is a <see cref="GpuEngineException"/> naming <paramref name="file"/>.</summary>
    public static ModelProto Parse(byte[] data, string file)
    {
        // Protobuf reads zero bytes as an empty model, then fails deep inside on the size limit: say what is wrong.
        if (data.Length == 0) throw new GpuEngineException($"ONNX file '{file}' is empty (0 bytes)");
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            using var input = CodedInputStream.CreateWithLimits(stream, data.Length, MaxNesting);
            var model = ModelProto.Parser.ParseFrom(input);
            if (model.Graph is null) throw new GpuEngineException($"ONNX file '{file}' holds no graph (is it an ONNX model?)");
            return model;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new GpuEngineException($"ONNX file '{file}' is corrupt or truncated: {e.Message}", e);
        }
    }
}
