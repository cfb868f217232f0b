using System.Buffers.Binary;
using System.Text;

namespace DiffGen.Runtime.Tests.Checkpoints;

/// <summary>Builds safetensors files byte by byte, without DiffGen's writer, and makes the parameters the tests load into.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>8 bytes of little-endian header length, the header's UTF-8 bytes, then the data.</summary>
    public static byte[] Build(string headerJson, byte[] data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Build(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A small model: fc1.weight F32 [2, 3], fc1.bias F32 [3], scale F64 [] (a scalar).</summary>
    public static List<NamedParameter> Model(float start = 1)
    {
        var weight = Tensor.FromArray(Enumerable.Range(0, 6).Select(i => start + i * 0.5f).ToArray(), 2, 3);
        var bias = Tensor.FromArray(new[] { -start, start * 0.25f, 3e-8f }, 3);
        var scale = Tensor.Scalar(start * Math.PI, DType.Float64);
        return [new("fc1.weight", new Parameter(weight)), new("fc1.bias", new Parameter(bias)), new("scale", new Parameter(scale))];
    }

    /// <summary>The exact bits of every parameter value, to check that a failed load changed nothing.</summary>
    public static long[] Bits(IEnumerable<NamedParameter> parameters) =>
        parameters.SelectMany(p => p.Parameter.DType == DType.Float32
            ? p.Parameter.Value.Floats.ToArray().Select(v => (long)BitConverter.SingleToInt32Bits(v))
            : p.Parameter.Value.Doubles.ToArray().Select(BitConverter.DoubleToInt64Bits)).ToArray();
}
