using System;

namespace DiffGen;

/// <summary>One tensor's entry in the header of a <see cref="SafeTensorsFile"/>: its name, dtype, shape and place in the data.</summary>
public sealed class SafeTensorInfo
{
    private readonly int[] _shape;

    internal SafeTensorInfo(string name, string dtype, int[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DTypeName = dtype;
        _shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name (<c>fc1.weight</c>).</summary>
    public string Name { get; }

    /// <summary>The safetensors dtype as written in the header: <c>F32</c>, <c>F64</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ...</summary>
    public string DTypeName { get; }

    /// <summary>The DiffGen element type for <c>F32</c> and <c>F64</c>; <see langword="null"/> for dtypes DiffGen does not load.</summary>
    public DType? DType => SafeTensorsFile.ToDType(DTypeName);

    /// <summary>The shape, outermost dimension first (empty for a scalar).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of elements: the product of the shape.</summary>
    public long ElementCount { get; }

    /// <summary>The first byte of the tensor's data, counted from the start of the data section (after the header).</summary>
    public long DataBegin { get; }

    /// <summary>The byte after the tensor's data, counted from the start of the data section.</summary>
    public long DataEnd { get; }

    /// <summary>The shape as text: <c>[32, 784]</c>.</summary>
    public string ShapeText() => Tensor.ShapeText(_shape);

    /// <summary>Describes the entry.</summary>
    public override string ToString() => $"{Name}: {DTypeName} {ShapeText()} at [{DataBegin}, {DataEnd})";
}
