using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace DiffGen;

/// <summary>The shape of the image tensor that <see cref="Idx.ReadImages"/> and <see cref="Mnist"/> return.</summary>
public enum ImageLayout
{
    /// <summary><c>[n, rows · cols]</c>: one row of pixels per image, as a multilayer perceptron takes them (<c>[n, 784]</c> for MNIST).</summary>
    Flattened,

    /// <summary><c>[n, rows, cols]</c>: one matrix per image.</summary>
    RowsColumns,

    /// <summary><c>[n, 1, rows, cols]</c>: one single-channel image per sample, as a convolution takes them (NCHW).</summary>
    ChannelsRowsColumns,
}

/// <summary>
/// Reads IDX files, the format of MNIST and its relatives (Fashion-MNIST, EMNIST, KMNIST): a big-endian header
/// (two zero bytes, an element-type code, the number of dimensions, each dimension as a 32-bit integer) followed by
/// the elements. Files may be plain or gzip-compressed; which one is detected from the content, not the name.
/// </summary>
/// <remarks>
/// Every reader checks the whole file: a wrong magic number, an unsupported element type, a negative dimension, a
/// truncated file, extra bytes after the data or corrupt gzip data throw a <see cref="DataFormatException"/> that
/// names the file and what was expected and found.
/// </remarks>
public static class Idx
{
    /// <summary>The magic number of an IDX file of unsigned bytes with 3 dimensions: images.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned bytes with 1 dimension: labels.</summary>
    public const int LabelsMagic = 0x00000801;

    private const int MaxDimensions = 16;

    /// <summary>
    /// Reads images: unsigned bytes in 3 dimensions <c>[n, rows, cols]</c> (magic number <c>0x00000803</c>), scaled
    /// to <c>[0, 1]</c> by dividing by 255 (0 stays 0, 255 becomes 1; no mean or standard-deviation normalization).
    /// </summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <param name="layout">The shape of the result. Default <see cref="ImageLayout.Flattened"/>.</param>
    /// <returns>A <see cref="DType.Float32"/> tensor in the requested layout.</returns>
    /// <exception cref="DataFormatException">The file is not an IDX image file, or is truncated or corrupt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Tensor ReadImages(string path, ImageLayout layout = ImageLayout.Flattened)
    {
        var contents = Read(path, ImagesMagic, "images: unsigned bytes, 3 dimensions [count, rows, cols]");
        int count = contents.Dimensions[0], rows = contents.Dimensions[1], cols = contents.Dimensions[2];
        float[] pixels = new float[contents.Data.Length];
        ReadOnlySpan<byte> data = contents.Data;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = data[i] / 255f;
        }

        return layout switch
        {
            ImageLayout.Flattened => Tensor.FromArray(pixels, count, rows * cols),
            ImageLayout.RowsColumns => Tensor.FromArray(pixels, count, rows, cols),
            ImageLayout.ChannelsRowsColumns => Tensor.FromArray(pixels, count, 1, rows, cols),
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Expected Flattened, RowsColumns or ChannelsRowsColumns."),
        };
    }

    /// <summary>Reads labels: unsigned bytes in 1 dimension (magic number <c>0x00000801</c>), as class indices.</summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <returns>One class index (0 to 255) per sample.</returns>
    /// <exception cref="DataFormatException">The file is not an IDX label file, or is truncated or corrupt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static int[] ReadLabels(string path)
    {
        var contents = Read(path, LabelsMagic, "labels: unsigned bytes, 1 dimension [count]");
        int[] labels = new int[contents.Data.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = contents.Data[i];
        }

        return labels;
    }

    /// <summary>
    /// Reads any IDX file as a tensor of its own shape, converting the elements (unsigned or signed bytes, 16- or
    /// 32-bit integers, 32- or 64-bit floats) to <paramref name="dtype"/> without scaling.
    /// </summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <param name="dtype">The element type of the result. Integers above 2^24 are rounded in <see cref="DType.Float32"/>.</param>
    /// <returns>A tensor whose shape is the file's dimensions.</returns>
    /// <exception cref="DataFormatException">The file is not an IDX file, or is truncated or corrupt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Tensor ReadTensor(string path, DType dtype = DType.Float32)
    {
        var contents = Read(path, expectedMagic: null, expectedDescription: null);
        var tensor = Tensor.Zeros(dtype, contents.Dimensions);
        ReadOnlySpan<byte> data = contents.Data;
        int size = ElementSize(contents.TypeCode);
        for (int i = 0; i < tensor.Length; i++)
        {
            ReadOnlySpan<byte> e = data.Slice(i * size, size);
            double value = contents.TypeCode switch
            {
                0x08 => e[0],
                0x09 => (sbyte)e[0],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(e),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(e),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(e),
                _ => BinaryPrimitives.ReadDoubleBigEndian(e),
            };
            if (dtype == DType.Float32)
            {
                tensor.Floats[i] = (float)value;
            }
            else
            {
                tensor.Doubles[i] = value;
            }
        }

        return tensor;
    }

    private readonly record struct IdxContents(byte TypeCode, int[] Dimensions, byte[] Data);

    private static IdxContents Read(string path, int? expectedMagic, string? expectedDescription)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        int first = file.ReadByte();
        int second = file.ReadByte();
        file.Position = 0;
        bool gzip = first == 0x1F && second == 0x8B;
        string what = gzip ? "decompressed bytes" : "bytes";
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        try
        {
            Span<byte> magicBytes = stackalloc byte[4];
            int got = stream.ReadAtLeast(magicBytes, 4, throwOnEndOfStream: false);
            if (got < 4)
            {
                throw new DataFormatException(path, $"truncated: an IDX file starts with a 4-byte magic number, but the file has only {got} {what}.");
            }

            int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
            if (magicBytes[0] != 0 || magicBytes[1] != 0)
            {
                string expected = expectedMagic is int m ? $"0x{m:X8} ({expectedDescription})" : "0x0000TTDD (two zero bytes, the element type TT, the number of dimensions DD)";
                throw new DataFormatException(path, $"wrong magic number: expected {expected}, found 0x{magic:X8}. This is not an IDX file{(gzip ? string.Empty : " (nor a gzip-compressed one)")}.");
            }

            byte typeCode = magicBytes[2];
            int rank = magicBytes[3];
            if (ElementSize(typeCode) == 0)
            {
                throw new DataFormatException(path, $"unsupported element type 0x{typeCode:X2} in magic number 0x{magic:X8}: IDX element types are 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (16-bit integer), 0x0C (32-bit integer), 0x0D (float), 0x0E (double).");
            }

            if (expectedMagic is int expectedValue && magic != expectedValue)
            {
                throw new DataFormatException(path, $"wrong magic number: expected 0x{expectedValue:X8} ({expectedDescription}), found 0x{magic:X8} ({Describe(typeCode, rank)}).");
            }

            if (rank > MaxDimensions)
            {
                throw new DataFormatException(path, $"the magic number 0x{magic:X8} announces {rank} dimensions; at most {MaxDimensions} are supported.");
            }

            byte[] header = new byte[rank * 4];
            got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (got < header.Length)
            {
                throw new DataFormatException(path, $"truncated header: {rank} dimensions need {4 + header.Length} {what}, the file has only {4 + got}.");
            }

            int[] dimensions = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++)
            {
                dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(i * 4));
                if (dimensions[i] < 0)
                {
                    throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"dimension {i} is {dimensions[i]} (read as a signed 32-bit integer); sizes cannot be negative."));
                }

                count *= dimensions[i];
                if (count * ElementSize(typeCode) > Array.MaxLength)
                {
                    throw new DataFormatException(path, $"the dimensions {Tensor.ShapeText(dimensions.AsSpan(0, i + 1))} announce more data than an array can hold.");
                }
            }

            int headerLength = 4 + header.Length;
            int dataLength = (int)count * ElementSize(typeCode);
            byte[] data = new byte[dataLength];
            got = stream.ReadAtLeast(data, dataLength, throwOnEndOfStream: false);
            if (got < dataLength)
            {
                throw new DataFormatException(
                    path,
                    $"truncated: the header announces {Tensor.ShapeText(dimensions)} elements of {ElementSize(typeCode)} byte(s), {headerLength + (long)dataLength} {what} in all, but the file has only {headerLength + (long)got}.");
            }

            if (stream.ReadByte() >= 0)
            {
                throw new DataFormatException(path, $"the file is longer than its header announces: expected {headerLength + (long)dataLength} {what} ({Tensor.ShapeText(dimensions)} elements of {ElementSize(typeCode)} byte(s) after a {headerLength}-byte header), found more.");
            }

            return new IdxContents(typeCode, dimensions, data);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip data: {e.Message}", innerException: e);
        }
    }

    private static int ElementSize(byte typeCode) => typeCode switch
    {
        0x08 or 0x09 => 1,
        0x0B => 2,
        0x0C or 0x0D => 4,
        0x0E => 8,
        _ => 0,
    };

    private static string Describe(byte typeCode, int rank)
    {
        string type = typeCode switch
        {
            0x08 => "unsigned bytes",
            0x09 => "signed bytes",
            0x0B => "16-bit integers",
            0x0C => "32-bit integers",
            0x0D => "floats",
            _ => "doubles",
        };
        string dims = rank == 1 ? "1 dimension" : $"{rank.ToString(CultureInfo.InvariantCulture)} dimensions";
        string guess = typeCode == 0x08 && rank == 1 ? ": a label file?" : typeCode == 0x08 && rank == 3 ? ": an image file?" : string.Empty;
        return type + ", " + dims + guess;
    }
}
