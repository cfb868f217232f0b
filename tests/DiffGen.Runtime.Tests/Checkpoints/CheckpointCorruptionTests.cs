using System.Buffers.Binary;
using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace DiffGen.Runtime.Tests.Checkpoints;

/// <summary>Corrupt, truncated and malformed files: each gives a CheckpointException naming the file, and changes nothing.</summary>
public sealed class CheckpointCorruptionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private byte[] GoodFile()
    {
        string path = _folder.File("good.safetensors");
        Checkpoint.Save(path, Model(start: 1), new OptimizerState(
            new Dictionary<string, Tensor> { ["m"] = Tensor.Ones(3) },
            new Dictionary<string, string> { ["step"] = "2" }));
        return File.ReadAllBytes(path);
    }

    /// <summary>Loads <paramref name="bytes"/> into a model and requires a CheckpointException naming the file, with the model unchanged.</summary>
    private CheckpointException Rejected(byte[] bytes, List<NamedParameter>? model = null)
    {
        string path = _folder.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        model ??= Model(start: 40);
        long[] before = Bits(model);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, model));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Bits(model));
        return e;
    }

    private static ulong HeaderLength(byte[] bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    [Fact]
    public void A_file_truncated_at_any_of_several_points_is_rejected_and_says_what_is_missing()
    {
        byte[] good = GoodFile();
        int headerEnd = 8 + (int)HeaderLength(good);
        var cuts = new[] { 0, 3, 7, 8, 9, headerEnd / 2, headerEnd - 1, headerEnd, headerEnd + 1, headerEnd + 13, good.Length - 4, good.Length - 1 };
        foreach (int cut in cuts)
        {
            var e = Rejected(good[..cut]);
            string expected = cut < 8 ? $"the file has {cut} bytes; a safetensors file starts with an 8-byte header length"
                : cut < headerEnd ? $"expected at least {headerEnd} bytes, found {cut}"
                : "truncated: the tensor's data_offsets";
            Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"Cut at {cut}: {e.Message}");
        }
    }

    [Fact]
    public void Truncated_data_names_the_first_tensor_that_does_not_fit()
    {
        byte[] good = GoodFile();
        int headerEnd = 8 + (int)HeaderLength(good);
        var e = Rejected(good[..(headerEnd + 30)]); // fc1.weight is bytes [0, 24), fc1.bias [24, 36)
        Assert.Equal("fc1.bias", e.TensorName);
        Assert.Contains("data_offsets [24, 36] go beyond the data section, which has 30 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipping_any_header_byte_either_is_rejected_with_a_CheckpointException_or_loads_the_same_values()
    {
        byte[] good = GoodFile();
        int headerEnd = 8 + (int)HeaderLength(good);
        long[] expected = Bits(Model(start: 1));
        string path = _folder.File("flipped.safetensors");
        int rejected = 0;
        foreach (byte mask in new byte[] { 0x01, 0x80 })
        {
            for (int i = 0; i < headerEnd; i++)
            {
                byte[] bytes = (byte[])good.Clone();
                bytes[i] ^= mask;
                File.WriteAllBytes(path, bytes);
                var model = Model(start: 40);
                long[] before = Bits(model);
                try
                {
                    Checkpoint.Load(path, model);
                    Assert.True(expected.SequenceEqual(Bits(model)), $"Byte {i} ^ 0x{mask:X2} loaded different values without an error.");
                }
                catch (CheckpointException e)
                {
                    rejected++;
                    Assert.Equal(path, e.FilePath);
                    Assert.True(before.SequenceEqual(Bits(model)), $"Byte {i} ^ 0x{mask:X2} was rejected but changed the model: {e.Message}");
                }
            }
        }

        // Most flips break the header; a few are harmless (inside a metadata value, or the padding turned into another blank).
        Assert.True(rejected > headerEnd, $"Only {rejected} of {2 * headerEnd} flips were rejected.");
    }

    [Fact]
    public void A_header_length_beyond_the_file_or_beyond_the_limit_is_rejected()
    {
        byte[] good = GoodFile();
        byte[] longer = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(longer, (ulong)good.Length);
        Assert.Contains($"header length field says {good.Length} bytes, which goes beyond the end of the file", Rejected(longer).Message, StringComparison.Ordinal);

        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.Contains("more than the format's limit", Rejected(huge).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}""", "not valid JSON")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}} trailing""", "not valid JSON")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{"w":[0,12]}""", "its header entry must be an object")]
    [InlineData("""{"w":{"shape":[3],"data_offsets":[0,12]}}""", "has no 'dtype'")]
    [InlineData("""{"w":{"dtype":"F32","data_offsets":[0,12]}}""", "has no 'shape'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3]}}""", "has no 'data_offsets'")]
    [InlineData("""{"w":{"dtype":32,"shape":[3],"data_offsets":[0,12]}}""", "'dtype' must be a string")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-3],"data_offsets":[0,12]}}""", "'shape' must hold non-negative integers; found the number -3")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3.5],"data_offsets":[0,12]}}""", "'shape' must hold non-negative integers")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0]}}""", "'data_offsets' must hold 2 numbers")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[12,0]}}""", "end before they begin")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}""", "dtype F32 and shape [2] need 2 × 4 = 8 bytes, but data_offsets [0, 12] hold 12")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", "appears twice")]
    [InlineData("""{"__metadata__":{"epoch":3},"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", "metadata 'epoch' must be a string; found the number 3")]
    [InlineData("""{"__metadata__":[],"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", "'__metadata__' must be an object")]
    [InlineData("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}} // comment""", "not valid JSON")]
    public void A_malformed_header_is_rejected_with_what_is_wrong(string json, string expected)
    {
        var e = Rejected(SafeTensorsBytes.Build(json, Floats(1, 2, 3)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_is_not_UTF8_is_rejected()
    {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}"u8.ToArray();
        header[3] = 0xFF;
        Assert.Contains("not valid UTF-8", Rejected(SafeTensorsBytes.Build(header, Floats(1, 2, 3))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_tensors_are_rejected_naming_both()
    {
        string json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        var e = Rejected(SafeTensorsBytes.Build(json, Floats(1, 2, 3)));
        Assert.Equal("b", e.TensorName);
        Assert.Contains("data_offsets [4, 12] overlap tensor 'a' at [0, 8]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_between_tensors_is_rejected()
    {
        string json = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        var e = Rejected(SafeTensorsBytes.Build(json, Floats(1, 2, 3)));
        Assert.Contains("leave bytes [4, 8) after tensor 'a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_after_the_last_tensor_are_rejected()
    {
        string json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        var e = Rejected(SafeTensorsBytes.Build(json, Floats(1, 2, 3)));
        Assert.Contains("the data section has 12 bytes but the last tensor, 'a', ends at 8: 4 bytes are not part of any tensor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_stored_in_an_unsupported_dtype_is_rejected_naming_the_dtype()
    {
        string json = """{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}""";
        var model = new List<NamedParameter> { new("w", new Parameter(Tensor.Ones(3))) };
        var e = Rejected(SafeTensorsBytes.Build(json, new byte[6]), model);
        Assert.Equal("w", e.TensorName);
        Assert.Contains("dtype BF16 in the file, expected F32; DiffGen loads F32 and F64 tensors only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dtype_the_format_does_not_know_is_rejected_when_it_is_a_parameter()
    {
        string json = """{"w":{"dtype":"Q4","shape":[3],"data_offsets":[0,2]}}""";
        var model = new List<NamedParameter> { new("w", new Parameter(Tensor.Ones(3))) };
        Assert.Contains("dtype Q4 in the file", Rejected(SafeTensorsBytes.Build(json, new byte[2]), model).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimizer_state_of_an_unsupported_dtype_is_rejected()
    {
        string json = """{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"optimizer/step":{"dtype":"I64","shape":[],"data_offsets":[12,20]}}""";
        var model = new List<NamedParameter> { new("w", new Parameter(Tensor.Ones(3))) };
        var e = Rejected(SafeTensorsBytes.Build(json, Concat(Floats(1, 2, 3), new byte[8])), model);
        Assert.Equal("optimizer/step", e.TensorName);
    }

    [Fact]
    public void A_missing_file_is_an_IO_error()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(_folder.File("none.safetensors"), Model()));
    }
}
