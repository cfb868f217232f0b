using System.Buffers.Binary;
using System.IO.Compression;
using DiffGen.Runtime.Tests.Support;

namespace DiffGen.Runtime.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>An IDX file built byte by byte: 0, 0, type, rank, the dimensions big-endian, then the data.</summary>
    internal static byte[] IdxBytes(byte type, int[] dimensions, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dimensions.Length };
        foreach (int d in dimensions)
        {
            var be = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(be, d);
            bytes.AddRange(be);
        }

        bytes.AddRange(data);
        return bytes.ToArray();
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Pixels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 37 % 256)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_are_read_plain_or_gzip_detected_from_the_content_and_scaled_to_0_1(bool compressed)
    {
        byte[] pixels = Pixels(2 * 3 * 4);
        pixels[0] = 0;
        pixels[1] = 255;
        byte[] file = IdxBytes(0x08, [2, 3, 4], pixels);
        string path = Write("images.bin", compressed ? Gzip(file) : file); // the name says nothing about gzip

        var flat = Idx.ReadImages(path);
        Assert.Equal([2, 12], flat.Shape.ToArray());
        Assert.Equal(DType.Float32, flat.DType);
        Assert.Equal(0f, flat.Floats[0]);
        Assert.Equal(1f, flat.Floats[1]);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255f, flat.Floats[i]);
        }

        Assert.Equal([2, 3, 4], Idx.ReadImages(path, ImageLayout.RowsColumns).Shape.ToArray());
        Assert.Equal([2, 1, 3, 4], Idx.ReadImages(path, ImageLayout.ChannelsRowsColumns).Shape.ToArray());
        Assert.Equal(flat.Floats.ToArray(), Idx.ReadImages(path, ImageLayout.RowsColumns).Floats.ToArray());
    }

    [Fact]
    public void Labels_are_read_as_class_indices()
    {
        string path = Write("labels", Gzip(IdxBytes(0x08, [5], [7, 2, 1, 0, 255])));
        Assert.Equal([7, 2, 1, 0, 255], Idx.ReadLabels(path));
    }

    [Fact]
    public void A_label_file_read_as_images_names_the_file_and_the_expected_and_found_magic_numbers()
    {
        string path = Write("t10k-labels-idx1-ubyte", IdxBytes(0x08, [3], [1, 2, 3]));
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadImages(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 0x00000803", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 0x00000801", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_IDX_at_all_is_rejected_with_its_magic_number()
    {
        string path = Write("notes.txt", "hello world, this is text"u8.ToArray());
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadLabels(path));
        Assert.Contains("wrong magic number", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 0x00000801", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 0x68656C6C", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_element_type_is_named()
    {
        string path = Write("odd", IdxBytes(0x0A, [2], [0, 0]));
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadTensor(path));
        Assert.Contains("unsupported element type 0x0A", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_element_type_other_than_unsigned_bytes_is_rejected_for_images()
    {
        string path = Write("floats", IdxBytes(0x0D, [1, 1, 1], [0, 0, 0, 0]));
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadImages(path));
        Assert.Contains("expected 0x00000803", e.Message, StringComparison.Ordinal);
        Assert.Contains("found 0x00000D03 (floats, 3 dimensions)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_data_section_reports_the_expected_and_found_sizes(bool compressed)
    {
        byte[] file = IdxBytes(0x08, [10, 2, 2], Pixels(40));
        byte[] cut = file[..(file.Length - 15)];
        string path = Write("cut", compressed ? Gzip(cut) : cut);
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadImages(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{file.Length} ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"only {cut.Length}", e.Message, StringComparison.Ordinal);
        Assert.Contains("[10, 2, 2]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void A_truncated_header_is_reported(int length)
    {
        byte[] file = IdxBytes(0x08, [10, 2, 2], Pixels(40));
        string path = Write("short", file[..length]);
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadImages(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains($"only {length}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_file_cut_in_the_middle_of_its_stream_is_reported_as_truncated_or_corrupt()
    {
        byte[] gz = Gzip(IdxBytes(0x08, [100, 4, 4], Pixels(1600)));
        string path = Write("cut.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadImages(path));
        Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("corrupt gzip", StringComparison.Ordinal), e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Extra_bytes_after_the_data_are_reported()
    {
        string path = Write("long", IdxBytes(0x08, [3], [1, 2, 3, 4]));
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadLabels(path));
        Assert.Contains("longer than its header announces", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_dimension_is_reported()
    {
        string path = Write("negative", IdxBytes(0x08, [-1], []));
        var e = Assert.Throws<DataFormatException>(() => Idx.ReadLabels(path));
        Assert.Contains("dimension 0 is -1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTensor_reads_every_element_type_big_endian_without_scaling()
    {
        var data = new byte[8 * 3];
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(0), 1.5);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), -2.25);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(16), 1e300);
        Assert.Equal([1.5, -2.25, 1e300], Idx.ReadTensor(Write("d", IdxBytes(0x0E, [3], data)), DType.Float64).Doubles.ToArray());

        var ints = new byte[4 * 2];
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(0), -70000);
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(4), 12);
        var t = Idx.ReadTensor(Write("i", IdxBytes(0x0C, [1, 2], ints)));
        Assert.Equal([1, 2], t.Shape.ToArray());
        Assert.Equal([-70000f, 12f], t.Floats.ToArray());

        var shorts = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(shorts, -300);
        Assert.Equal([-300f], Idx.ReadTensor(Write("s", IdxBytes(0x0B, [1], shorts))).Floats.ToArray());
        Assert.Equal([-1f, 127f], Idx.ReadTensor(Write("b", IdxBytes(0x09, [2], [0xFF, 0x7F]))).Floats.ToArray());

        var floats = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(floats, 0.1f);
        Assert.Equal([0.1f], Idx.ReadTensor(Write("f", IdxBytes(0x0D, [1], floats))).Floats.ToArray());
    }

    [Fact]
    public void Mnist_Load_reports_different_numbers_of_images_and_labels_naming_both_files()
    {
        string images = Write("images", IdxBytes(0x08, [3, 2, 2], Pixels(12)));
        string labels = Write("labels", IdxBytes(0x08, [2], [1, 2]));
        var e = Assert.Throws<DataFormatException>(() => Mnist.Load(images, labels));
        Assert.Contains(images, e.Message, StringComparison.Ordinal);
        Assert.Contains(labels, e.Message, StringComparison.Ordinal);
        Assert.Contains("2 labels", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mnist_finds_the_standard_file_names_with_or_without_gz()
    {
        File.WriteAllBytes(_folder.File("t10k-images-idx3-ubyte"), IdxBytes(0x08, [2, 2, 2], Pixels(8)));
        File.WriteAllBytes(_folder.File("t10k-labels-idx1-ubyte.gz"), Gzip(IdxBytes(0x08, [2], [3, 9])));
        var test = Mnist.LoadTest(_folder.Path, ImageLayout.RowsColumns);
        Assert.Equal([2, 2, 2], test.Features.Shape.ToArray());
        Assert.Equal([3f, 9f], test.Labels.Floats.ToArray());

        var e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadTraining(_folder.Path));
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message, StringComparison.Ordinal);
        Assert.Contains("and train-images-idx3-ubyte.", e.Message, StringComparison.Ordinal);
    }
}
