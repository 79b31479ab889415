using System.Text;
using GpuEngine.Ir;
using GpuEngine.Loading;

namespace GpuEngine.Tests.Loading;

public class NpyFileTests
{
    private static readonly byte[] Magic = [0x93, .. "NUMPY"u8];

    [Fact]
    public void Float32_round_trips()
    {
        using var dir = new TempDir();
        var t = TestData.Floats(new TensorShape(2, 3, 4, 5), 1);
        NpyFile.Write(dir.File("a.npy"), t);
        var back = NpyFile.Read(dir.File("a.npy"));
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.Floats, back.Floats);
    }

    [Fact]
    public void Int8_and_int32_round_trip()
    {
        var i8 = new Tensor(new TensorShape(7), DataType.Int8, new sbyte[] { -128, -1, 0, 1, 2, 64, 127 });
        var back8 = NpyFile.Parse(NpyFile.Encode(i8), "i8");
        Assert.Equal(DataType.Int8, back8.DataType);
        Assert.Equal((sbyte[])i8.Data, (sbyte[])back8.Data);
        var i32 = new Tensor(new TensorShape(2, 2), DataType.Int32, new[] { int.MinValue, -5, 7, int.MaxValue });
        var back32 = NpyFile.Parse(NpyFile.Encode(i32), "i32");
        Assert.Equal(new TensorShape(2, 2), back32.Shape);
        Assert.Equal((int[])i32.Data, (int[])back32.Data);
    }

    [Fact]
    public void Header_is_padded_to_64_bytes_as_numpy_writes_it()
    {
        var bytes = NpyFile.Encode(TestData.Floats(new TensorShape(1, 3), 2));
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', bytes[10 + headerLength - 1]);
        Assert.Contains("'shape': (1, 3)", Encoding.ASCII.GetString(bytes, 10, headerLength));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions_2_and_3_are_read(byte major)
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n";
        var bytes = new List<byte>();
        bytes.AddRange(Magic);
        bytes.AddRange([major, 0]);
        bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        foreach (var v in new[] { 1f, 2f, 3f }) bytes.AddRange(BitConverter.GetBytes(v));
        Assert.Equal([1f, 2f, 3f], NpyFile.Parse(bytes.ToArray(), "v").Floats);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", "Fortran order")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", "dtype '>f4'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", "dtype '<f8'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", "data bytes")]
    [InlineData("{'descr': '<f4', 'shape': (2, 2), }", "header without")]
    public void Bad_headers_name_the_file_and_the_problem(string header, string expected)
    {
        var bytes = Magic.Concat(new byte[] { 1, 0, (byte)header.Length, 0 })
            .Concat(Encoding.ASCII.GetBytes(header)).Concat(new byte[16]).ToArray();
        var e = Assert.Throws<GpuEngineException>(() => NpyFile.Parse(bytes, "bad.npy"));
        Assert.Contains("bad.npy", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Existing_files_are_kept_unless_overwrite_is_asked()
    {
        using var dir = new TempDir();
        var path = dir.File("x.npy");
        NpyFile.Write(path, TestData.Floats(new TensorShape(2), 1));
        var e = Assert.Throws<GpuEngineException>(() => NpyFile.Write(path, TestData.Floats(new TensorShape(3), 1)));
        Assert.Contains("already exists", e.Message);
        NpyFile.Write(path, TestData.Floats(new TensorShape(3), 1), overwrite: true);
        Assert.Equal(new TensorShape(3), NpyFile.Read(path).Shape);
    }

    [Fact]
    public void A_missing_file_is_a_named_error()
    {
        var e = Assert.Throws<GpuEngineException>(() => NpyFile.Read("/nonexistent/in.npy"));
        Assert.Contains("/nonexistent/in.npy", e.Message);
    }
}
