using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace DiffGen;

/// <summary>
/// A file in the safetensors format (the format of Hugging Face and of <c>safetensors.torch</c>): reads its header and
/// its tensors, and writes named tensors into a new file atomically.
/// </summary>
/// <remarks>
/// <para>
/// The layout: 8 bytes holding the header's length <c>N</c> (unsigned, little-endian); <c>N</c> bytes of UTF-8 JSON,
/// <c>{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}</c>;
/// then the data section, in which each tensor's elements lie little-endian and row-major from <c>begin</c> to
/// <c>end</c> (byte offsets counted from the start of the data section).
/// </para>
/// <para>
/// <see cref="Open"/> validates the whole header against the file before anything is read, as the reference
/// implementation does: the length field within the file (and at most 100,000,000), valid UTF-8 and JSON, every entry
/// with a dtype, a non-negative shape and two offsets, no name twice, each tensor's byte count equal to its elements
/// times its dtype's size, and the tensors' data filling the data section exactly, without overlaps, gaps or trailing
/// bytes. Entries may appear in any order, with or without <c>__metadata__</c>. Any problem throws a
/// <see cref="CheckpointException"/> naming the file, the tensor and what was expected and found.
/// </para>
/// <para>
/// DiffGen loads <c>F32</c> and <c>F64</c> tensors. Entries of other dtypes (<c>F16</c>, <c>BF16</c>, <c>I64</c>, ...)
/// are listed and validated, and <see cref="ReadTensor"/> rejects them with a message naming the dtype.
/// </para>
/// </remarks>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>The largest header the format allows, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private const int ChunkElements = 1 << 24;

    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, SafeTensorInfo> _byName;
    private readonly long _dataStart;

    private SafeTensorsFile(string path, SafeFileHandle handle, List<SafeTensorInfo> tensors, Dictionary<string, SafeTensorInfo> byName, Dictionary<string, string> metadata, long dataStart)
    {
        Path = path;
        _handle = handle;
        Tensors = tensors;
        _byName = byName;
        Metadata = metadata;
        _dataStart = dataStart;
    }

    /// <summary>The file, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>The tensors' entries, in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty if the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens a safetensors file and validates its header against the file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file; dispose it to close the file.</returns>
    /// <exception cref="CheckpointException">The file is not a valid safetensors file (truncated, bad JSON, bad offsets, ...).</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8)
            {
                throw new CheckpointException(path, null, $"the file has {length} bytes; a safetensors file starts with an 8-byte header length (truncated, or not a safetensors file).");
            }

            Span<byte> lengthBytes = stackalloc byte[8];
            ReadExactly(handle, lengthBytes, 0, path);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > MaxHeaderLength)
            {
                throw new CheckpointException(path, null, $"the header length field says {headerLength} bytes, more than the format's limit of {MaxHeaderLength} (the file has {length} bytes; not a safetensors file?).");
            }

            if (8 + (long)headerLength > length)
            {
                throw new CheckpointException(path, null, $"the header length field says {headerLength} bytes, which goes beyond the end of the file: expected at least {8 + (long)headerLength} bytes, found {length} (truncated, or not a safetensors file).");
            }

            byte[] header = new byte[(int)headerLength];
            ReadExactly(handle, header, 8, path);
            long dataLength = length - 8 - (long)headerLength;
            var (tensors, metadata) = ParseHeader(header, path);
            var byName = Validate(tensors, dataLength, path);
            return new SafeTensorsFile(path, handle, tensors, byName, metadata, 8 + (long)headerLength);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> if it does.</returns>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Finds a tensor's entry by name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="info">The entry, if found.</param>
    /// <returns><see langword="true"/> if the file has the tensor.</returns>
    public bool TryGetInfo(string name, [NotNullWhen(true)] out SafeTensorInfo? info) => _byName.TryGetValue(name, out info);

    /// <summary>Reads a tensor into a new <see cref="Tensor"/>: <c>F32</c> as <see cref="DType.Float32"/>, <c>F64</c> as <see cref="DType.Float64"/>.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <returns>A new tensor with the file's shape and values.</returns>
    /// <exception cref="CheckpointException">The file has no such tensor, its dtype is not <c>F32</c> or <c>F64</c>, it is too large, or the file is shorter than when it was opened.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public Tensor ReadTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (!_byName.TryGetValue(name, out var info))
        {
            throw new CheckpointException(Path, name, "not in the file.");
        }

        if (info.DType is not DType dtype)
        {
            throw new CheckpointException(Path, name, $"has dtype {info.DTypeName}; DiffGen loads F32 and F64 tensors only (convert it in the tool that wrote the file, e.g. tensor.float() in PyTorch).");
        }

        if (info.ElementCount > Array.MaxLength)
        {
            throw new CheckpointException(Path, name, $"has {info.ElementCount} elements, more than a DiffGen tensor can hold ({Array.MaxLength}).");
        }

        var tensor = Tensor.Zeros(dtype, info.Shape);
        if (dtype == DiffGen.DType.Float32)
        {
            ReadElements(tensor.Floats, info);
        }
        else
        {
            ReadElements(tensor.Doubles, info);
        }

        return tensor;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>
    /// Writes named tensors and optional metadata to <paramref name="path"/> in the safetensors format, atomically:
    /// into a temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>. If anything
    /// fails, the previous file at <paramref name="path"/> is untouched and the temporary file is deleted.
    /// </summary>
    /// <param name="path">The file to create or replace. Its folder must exist.</param>
    /// <param name="tensors">The tensors, by unique non-empty name; written in this order.</param>
    /// <param name="metadata">The <c>__metadata__</c> map, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or <c>__metadata__</c>, or a tensor is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var prepared = Prepare(tensors, metadata);
        AtomicFile.Write(path, stream => WritePrepared(stream, prepared), wrap: null);
    }

    /// <summary>Writes named tensors and optional metadata to a stream in the safetensors format.</summary>
    /// <param name="stream">The destination, positioned where the file starts.</param>
    /// <param name="tensors">The tensors, by unique non-empty name; written in this order.</param>
    /// <param name="metadata">The <c>__metadata__</c> map, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or <c>__metadata__</c>, or a tensor is <see langword="null"/>.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WritePrepared(stream, Prepare(tensors, metadata));
    }

    /// <summary>The safetensors dtype name of a DiffGen element type.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns><c>F32</c> or <c>F64</c>.</returns>
    public static string DTypeName(DType dtype) => dtype switch
    {
        DiffGen.DType.Float32 => "F32",
        DiffGen.DType.Float64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Expected Float32 or Float64."),
    };

    internal static DType? ToDType(string dtypeName) => dtypeName switch
    {
        "F32" => DiffGen.DType.Float32,
        "F64" => DiffGen.DType.Float64,
        _ => null,
    };

    internal sealed record PreparedFile(byte[] Header, List<Tensor> Data);

    internal static PreparedFile Prepare(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var data = new List<Tensor>();
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false }))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(key, nameof(metadata));
                    if (value is null)
                    {
                        throw new ArgumentException($"Metadata '{key}' has a null value; metadata values are text.", nameof(metadata));
                    }

                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                if (string.IsNullOrEmpty(name))
                {
                    throw new ArgumentException("A tensor has an empty name; every tensor needs a unique name.", nameof(tensors));
                }

                if (name == MetadataKey)
                {
                    throw new ArgumentException($"A tensor cannot be named '{MetadataKey}': the format reserves that key for the metadata.", nameof(tensors));
                }

                if (tensor is null)
                {
                    throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
                }

                if (!names.Add(name))
                {
                    throw new ArgumentException($"Two tensors are named '{name}'; names must be unique.", nameof(tensors));
                }

                long bytes = (long)tensor.Length * ElementSize(tensor.DType);
                writer.WriteStartObject(name);
                writer.WriteString("dtype", DTypeName(tensor.DType));
                writer.WriteStartArray("shape");
                foreach (int size in tensor.Shape)
                {
                    writer.WriteNumberValue(size);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + bytes);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += bytes;
                data.Add(tensor);
            }

            writer.WriteEndObject();
        }

        // Pad with spaces so that the data section starts 8-byte aligned, as the reference writer does.
        int padded = (json.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return new PreparedFile(header, data);
    }

    internal static void WritePrepared(Stream stream, PreparedFile file)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)file.Header.Length);
        stream.Write(length);
        stream.Write(file.Header);
        byte[]? swap = BitConverter.IsLittleEndian ? null : new byte[1 << 16];
        foreach (var tensor in file.Data)
        {
            if (tensor.DType == DiffGen.DType.Float32)
            {
                WriteElements<float>(stream, tensor.Floats, swap);
            }
            else
            {
                WriteElements<double>(stream, tensor.Doubles, swap);
            }
        }
    }

    private static void WriteElements<T>(Stream stream, ReadOnlySpan<T> elements, byte[]? swap)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (swap is null)
        {
            for (int start = 0; start < elements.Length; start += ChunkElements)
            {
                stream.Write(MemoryMarshal.AsBytes(elements.Slice(start, Math.Min(ChunkElements, elements.Length - start))));
            }

            return;
        }

        // A big-endian machine: reverse each element's bytes through a buffer.
        int perChunk = swap.Length / size;
        for (int start = 0; start < elements.Length; start += perChunk)
        {
            var chunk = elements.Slice(start, Math.Min(perChunk, elements.Length - start));
            var bytes = swap.AsSpan(0, chunk.Length * size);
            MemoryMarshal.AsBytes(chunk).CopyTo(bytes);
            for (int i = 0; i < bytes.Length; i += size)
            {
                bytes.Slice(i, size).Reverse();
            }

            stream.Write(bytes);
        }
    }

    private void ReadElements<T>(Span<T> elements, SafeTensorInfo info)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        long position = _dataStart + info.DataBegin;
        for (int start = 0; start < elements.Length; start += ChunkElements)
        {
            var chunk = MemoryMarshal.AsBytes(elements.Slice(start, Math.Min(ChunkElements, elements.Length - start)));
            int read = 0;
            while (read < chunk.Length)
            {
                int n = RandomAccess.Read(_handle, chunk[read..], position + read);
                if (n == 0)
                {
                    throw new CheckpointException(Path, info.Name, $"the file ends at byte {position + read}, inside the tensor's data (bytes {_dataStart + info.DataBegin} to {_dataStart + info.DataEnd}); it was truncated after it was opened.");
                }

                read += n;
            }

            if (!BitConverter.IsLittleEndian)
            {
                for (int i = 0; i < chunk.Length; i += size)
                {
                    chunk.Slice(i, size).Reverse();
                }
            }

            position += chunk.Length;
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[read..], offset + read);
            if (n == 0)
            {
                throw new CheckpointException(path, null, $"the file ends at byte {offset + read}; expected {buffer.Length - read} more bytes of header.");
            }

            read += n;
        }
    }

    internal static int ElementSize(DType dtype) => dtype == DiffGen.DType.Float32 ? 4 : 8;

    /// <summary>The size in bytes of an element of a safetensors dtype, or 0 for one DiffGen does not know (then its byte count is not checked).</summary>
    private static int ElementSize(string dtypeName) => dtypeName switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" or "C64" => 8,
        _ => 0,
    };

    private static (List<SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string path)
    {
        if (!Utf8.IsValid(header))
        {
            throw new CheckpointException(path, null, $"the {header.Length}-byte header is not valid UTF-8 text (corrupt, or not a safetensors file).");
        }

        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Bad(path, null, $"the header must be a JSON object; it starts with {Describe(ref reader)}.");
            }

            while (true)
            {
                Next(ref reader, path);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    throw Bad(path, name, "appears twice in the header.");
                }

                Next(ref reader, path);
                if (name == MetadataKey)
                {
                    ParseMetadata(ref reader, metadata, path);
                }
                else
                {
                    tensors.Add(ParseEntry(ref reader, name, path));
                }
            }

            // Only whitespace may follow the object; the reader throws on anything else.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, null, $"the header is not valid JSON: {e.Message}", e);
        }

        return (tensors, metadata);
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad(path, null, $"'{MetadataKey}' must be an object of text values; found {Describe(ref reader)}.");
        }

        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            Next(ref reader, path);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Bad(path, null, $"metadata '{key}' must be a string; found {Describe(ref reader)}.");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Bad(path, null, $"metadata '{key}' appears twice.");
            }
        }
    }

    private static SafeTensorInfo ParseEntry(ref Utf8JsonReader reader, string name, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad(path, name, $"its header entry must be an object {{dtype, shape, data_offsets}}; found {Describe(ref reader)}.");
        }

        string? dtype = null;
        List<int>? shape = null;
        long[]? offsets = null;
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string field = reader.GetString()!;
            Next(ref reader, path);
            switch (field)
            {
                case "dtype":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Bad(path, name, $"'dtype' must be a string such as \"F32\"; found {Describe(ref reader)}.");
                    }

                    dtype = reader.GetString()!;
                    break;

                case "shape":
                    shape = [];
                    ReadIntegers(ref reader, path, name, "shape", value =>
                    {
                        if (value > int.MaxValue)
                        {
                            throw Bad(path, name, $"dimension {value} of the shape is larger than DiffGen supports ({int.MaxValue}).");
                        }

                        shape.Add((int)value);
                    });
                    break;

                case "data_offsets":
                    var found = new List<long>();
                    ReadIntegers(ref reader, path, name, "data_offsets", found.Add);
                    if (found.Count != 2)
                    {
                        throw Bad(path, name, $"'data_offsets' must hold 2 numbers [begin, end]; found {found.Count}.");
                    }

                    offsets = [.. found];
                    break;

                default:
                    reader.Skip(); // Unknown fields are ignored, as the reference implementation does.
                    break;
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Bad(path, name, $"its header entry has no '{missing}'; every tensor needs dtype, shape and data_offsets.");
        }

        long elements = 1;
        foreach (int size in shape)
        {
            if (size != 0 && elements > long.MaxValue / size)
            {
                throw Bad(path, name, $"the shape {Tensor.ShapeText(shape.ToArray())} has too many elements.");
            }

            elements *= size;
        }

        return new SafeTensorInfo(name, dtype, [.. shape], elements, offsets[0], offsets[1]);
    }

    private static void ReadIntegers(ref Utf8JsonReader reader, string path, string name, string field, Action<long> add)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Bad(path, name, $"'{field}' must be an array of non-negative integers; found {Describe(ref reader)}.");
        }

        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
            {
                throw Bad(path, name, $"'{field}' must hold non-negative integers; found {Describe(ref reader)}.");
            }

            add(value);
        }
    }

    private static Dictionary<string, SafeTensorInfo> Validate(List<SafeTensorInfo> tensors, long dataLength, string path)
    {
        var byName = new Dictionary<string, SafeTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var info in tensors)
        {
            byName.Add(info.Name, info);
        }

        tensors.Sort((a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin)
            : a.DataEnd != b.DataEnd ? a.DataEnd.CompareTo(b.DataEnd)
            : string.CompareOrdinal(a.Name, b.Name)); // empty tensors may share an offset: keep their order stable
        long expected = 0;
        SafeTensorInfo? previous = null;
        foreach (var info in tensors)
        {
            if (info.DataEnd < info.DataBegin)
            {
                throw Bad(path, info.Name, $"data_offsets [{info.DataBegin}, {info.DataEnd}] end before they begin.");
            }

            int size = ElementSize(info.DTypeName);
            if (size > 0 && (info.ElementCount > long.MaxValue / size || info.ElementCount * size != info.DataEnd - info.DataBegin))
            {
                throw Bad(path, info.Name, $"dtype {info.DTypeName} and shape {info.ShapeText()} need {info.ElementCount} × {size} = {info.ElementCount * (decimal)size} bytes, but data_offsets [{info.DataBegin}, {info.DataEnd}] hold {info.DataEnd - info.DataBegin}.");
            }

            if (info.DataEnd > dataLength)
            {
                throw Bad(path, info.Name, $"truncated: the tensor's data_offsets [{info.DataBegin}, {info.DataEnd}] go beyond the data section, which has {dataLength} bytes (the file ends {info.DataEnd - dataLength} bytes too early).");
            }

            if (info.DataBegin < expected)
            {
                throw Bad(path, info.Name, $"data_offsets [{info.DataBegin}, {info.DataEnd}] overlap tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}].");
            }

            if (info.DataBegin > expected)
            {
                string after = previous is null ? "the start of the data section" : $"tensor '{previous.Name}' (which ends at {previous.DataEnd})";
                throw Bad(path, info.Name, $"data_offsets [{info.DataBegin}, {info.DataEnd}] leave bytes [{expected}, {info.DataBegin}) after {after} unused; the tensors' data must follow each other without gaps.");
            }

            expected = info.DataEnd;
            previous = info;
        }

        if (expected != dataLength)
        {
            string last = previous is null ? "there are no tensors" : $"the last tensor, '{previous.Name}', ends at {previous.DataEnd}";
            throw Bad(path, previous?.Name, $"the data section has {dataLength} bytes but {last}: {dataLength - expected} bytes are not part of any tensor.");
        }

        return byName;
    }

    private static void Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read())
        {
            throw Bad(path, null, "the header's JSON ends before its object is closed.");
        }
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.None => "nothing",
        _ => reader.TokenType.ToString(),
    };

    private static CheckpointException Bad(string path, string? tensor, string problem) => new(path, tensor, problem);
}
