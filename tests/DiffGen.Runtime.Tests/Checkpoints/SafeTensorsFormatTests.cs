using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace DiffGen.Runtime.Tests.Checkpoints;

/// <summary>The bytes DiffGen writes, read without DiffGen, and files written without DiffGen, read by it.</summary>
public sealed class SafeTensorsFormatTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_saved_checkpoint_parsed_independently_has_the_documented_header_dtypes_shapes_offsets_and_little_endian_data()
    {
        var model = Model();
        var state = new OptimizerState(
            new Dictionary<string, Tensor> { ["state.0.exp_avg"] = Tensor.FromArray(new[] { 0.5f, -0.5f }, 2) },
            new Dictionary<string, string> { ["state.0.step"] = "12", ["kind"] = "Adam" });
        string path = _folder.File("model.safetensors");
        Checkpoint.Save(path, model, state, new Dictionary<string, string> { ["epoch"] = "3" });

        byte[] bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);
        Assert.Equal((byte)'{', bytes[8]);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' '));
        var root = header.RootElement;
        long dataStart = 8 + (long)n;

        var metadata = root.GetProperty("__metadata__");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        Assert.Equal("1", metadata.GetProperty("diffgen/checkpoint").GetString());
        Assert.Equal("3", metadata.GetProperty("epoch").GetString());
        Assert.Equal("12", metadata.GetProperty("optimizer/state.0.step").GetString());
        Assert.Equal("Adam", metadata.GetProperty("optimizer/kind").GetString());
        Assert.Equal(5, metadata.EnumerateObject().Count());

        var expected = new (string Name, string DType, int[] Shape, byte[] Data)[]
        {
            ("fc1.weight", "F32", [2, 3], Floats(model[0].Parameter.Value.Floats.ToArray())),
            ("fc1.bias", "F32", [3], Floats(model[1].Parameter.Value.Floats.ToArray())),
            ("scale", "F64", [], Doubles(model[2].Parameter.Value.Doubles.ToArray())),
            ("optimizer/state.0.exp_avg", "F32", [2], Floats(0.5f, -0.5f)),
        };
        Assert.Equal(expected.Select(e => e.Name).Append("__metadata__").Order(StringComparer.Ordinal),
                     root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        long end = 0;
        foreach (var (name, dtype, shape, data) in expected)
        {
            var entry = root.GetProperty(name);
            Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
            Assert.Equal(shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
            long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            Assert.Equal(2, offsets.Length);
            Assert.Equal(end, offsets[0]);                          // in the order written, without gaps
            Assert.Equal(data.Length, offsets[1] - offsets[0]);
            Assert.Equal(data, bytes.AsSpan((int)(dataStart + offsets[0]), data.Length).ToArray());
            end = offsets[1];
        }

        Assert.Equal(dataStart + end, bytes.Length);
    }

    [Fact]
    public void A_hand_made_file_with_tensors_in_any_order_and_no_metadata_loads_into_the_model()
    {
        // The data of "scale" comes first, then "fc1.bias", then "fc1.weight"; the header lists them in yet another order.
        byte[] data = Concat(Doubles(2.5), Floats(-1, 0, 1), Floats(1, 2, 3, 4, 5, 6));
        string json = """{"fc1.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[20,44]},"scale":{"shape":[],"data_offsets":[0,8],"dtype":"F64"},"fc1.bias":{"dtype":"F32","shape":[3],"data_offsets":[8,20]}}""";
        string path = _folder.File("hand.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, data));

        var model = Model(start: 9);
        var loaded = Checkpoint.Load(path, model);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], model[0].Parameter.Value.Floats.ToArray());
        Assert.Equal([-1f, 0f, 1f], model[1].Parameter.Value.Floats.ToArray());
        Assert.Equal(2.5, model[2].Parameter.Value.Item());
        Assert.Null(loaded.OptimizerState);
        Assert.Empty(loaded.Metadata);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["scale", "fc1.bias", "fc1.weight"], file.Tensors.Select(t => t.Name));
        Assert.Equal(DType.Float64, file.Tensors[0].DType);
        Assert.Equal(20, file.Tensors[2].DataBegin);
        Assert.Equal(44, file.Tensors[2].DataEnd);
    }

    [Fact]
    public void A_file_as_safetensors_torch_writes_it_padded_with_spaces_and_with_format_metadata_loads()
    {
        // As safetensors.torch.save_file({"fc1.bias": ..., "fc1.weight": ..., "scale": ...}) lays it out: metadata first,
        // tensors sorted by dtype alignment then name, header padded with spaces to a multiple of 8.
        byte[] data = Concat(Doubles(-7.25), Floats(0.5f, 0.25f, 0.125f), Floats(6, 5, 4, 3, 2, 1));
        string json = """{"__metadata__":{"format":"pt"},"scale":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"fc1.bias":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},"fc1.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[20,44]}}""";
        json += new string(' ', (8 - json.Length % 8) % 8);
        string path = _folder.File("torch.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, data));

        var model = Model();
        var loaded = Checkpoint.Load(path, model);
        Assert.Equal([6f, 5f, 4f, 3f, 2f, 1f], model[0].Parameter.Value.Floats.ToArray());
        Assert.Equal(-7.25, model[2].Parameter.Value.Item());
        Assert.Equal("pt", loaded.Metadata["format"]);
    }

    [Fact]
    public void Tensors_of_dtypes_DiffGen_does_not_load_are_listed_and_rejected_only_when_read()
    {
        // position_ids as I64 and a half-precision tensor, next to a float tensor: typical of Hugging Face files.
        byte[] ids = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(ids, 0);
        BinaryPrimitives.WriteInt64LittleEndian(ids.AsSpan(8), 1);
        byte[] data = Concat(ids, new byte[4], Floats(1, 2, 3));
        string json = """{"position_ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]},"half":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"fc1.bias":{"dtype":"F32","shape":[3],"data_offsets":[20,32]}}""";
        string path = _folder.File("mixed.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, data));

        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.Equal("I64", file.Tensors[0].DTypeName);
            Assert.Null(file.Tensors[0].DType);
            var e = Assert.Throws<CheckpointException>(() => file.ReadTensor("half"));
            Assert.Equal("half", e.TensorName);
            Assert.Contains("dtype F16; DiffGen loads F32 and F64 tensors only", e.Message, StringComparison.Ordinal);
            Assert.Equal([1f, 2f, 3f], file.ReadTensor("fc1.bias").Floats.ToArray());
        }

        var bias = new NamedParameter("fc1.bias", new Parameter(Tensor.Zeros(3)));
        var loaded = Checkpoint.Load(path, [bias], new CheckpointLoadOptions { Strict = false });
        Assert.Equal([1f, 2f, 3f], bias.Parameter.Value.Floats.ToArray());
        Assert.Equal(["position_ids", "half"], loaded.UnexpectedTensors);

        var half = new NamedParameter("half", new Parameter(Tensor.Zeros(2)));
        var mismatch = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, [half], new CheckpointLoadOptions { Strict = false }));
        Assert.Contains("tensor 'half': dtype F16 in the file, expected F32", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_writes_the_same_bytes_for_the_same_model_and_state()
    {
        var state = new OptimizerState(
            new Dictionary<string, Tensor> { ["b"] = Tensor.Zeros(1), ["a"] = Tensor.Ones(2) },
            new Dictionary<string, string> { ["z"] = "1", ["y"] = "2" });
        Checkpoint.Save(_folder.File("one"), Model(), state);
        Checkpoint.Save(_folder.File("two"), Model(), state);
        Assert.Equal(File.ReadAllBytes(_folder.File("one")), File.ReadAllBytes(_folder.File("two")));
    }

    [Fact]
    public void SafeTensorsFile_writes_any_named_tensors_to_a_stream_and_reads_them_back()
    {
        var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, [new("x", Tensor.FromArray(new[] { 1.0, 2.0 }, 2))], new Dictionary<string, string> { ["k"] = "v" });
        string path = _folder.File("stream.safetensors");
        File.WriteAllBytes(path, stream.ToArray());
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("v", file.Metadata["k"]);
        Assert.Equal([1.0, 2.0], file.ReadTensor("x").Doubles.ToArray());
        Assert.True(file.Contains("x"));
        Assert.False(file.Contains("y"));
    }

    [Fact]
    public void A_file_without_any_tensor_is_valid()
    {
        string path = _folder.File("empty.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build("{}      ", []));
        using var file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Empty_tensors_sharing_an_offset_are_listed_in_name_order()
    {
        string json = """{"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"m":{"dtype":"F64","shape":[2,0],"data_offsets":[4,4]}}""";
        string path = _folder.File("empties.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, Floats(1)));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["a", "m", "z"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2, 0], file.ReadTensor("m").Shape.ToArray());
    }
}
