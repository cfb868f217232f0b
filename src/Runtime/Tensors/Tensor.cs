using System;
using System.Globalization;
using System.Text;

namespace DiffGen;

/// <summary>
/// A dense, contiguous, row-major array of <see cref="float"/> or <see cref="double"/> values with a shape of any rank.
/// </summary>
/// <remarks>
/// <para>
/// A tensor is an ordinary managed object: there is nothing to dispose. Its element type is a run-time property
/// (<see cref="DType"/>), so the same model code runs in <see cref="DType.Float32"/> for training and in
/// <see cref="DType.Float64"/> for gradient checks.
/// </para>
/// <para>
/// A tensor may be a view of another one's storage (<see cref="Slice"/> of the first dimension, <see cref="Reshape"/>):
/// writes through a view are seen by the tensor it views.
/// </para>
/// </remarks>
public sealed partial class Tensor
{
    // Not readonly: a TensorArena recycles tensor objects (see Reinitialize).
    private float[]? _floats;
    private double[]? _doubles;
    private int _offset;
    private int[] _shape;

    private Tensor(float[]? floats, double[]? doubles, int offset, int[] shape, int length)
    {
        _floats = floats;
        _doubles = doubles;
        _offset = offset;
        _shape = shape;
        Length = length;
    }

    /// <summary>Points a recycled tensor object at other storage (only a <see cref="TensorArena"/> does this).</summary>
    internal void Reinitialize(float[]? floats, double[]? doubles, int offset, ReadOnlySpan<int> shape, int length)
    {
        _floats = floats;
        _doubles = doubles;
        _offset = offset;
        if (_shape.Length != shape.Length)
        {
            _shape = new int[shape.Length];
        }

        shape.CopyTo(_shape);
        Length = length;
    }

    /// <summary>A tensor over given storage; inside a <see cref="TensorArena"/> scope the object is recycled.</summary>
    internal static Tensor Over(float[]? floats, double[]? doubles, int offset, ReadOnlySpan<int> shape, int length) =>
        TensorArena.RentView(floats, doubles, offset, shape, length)
        ?? new Tensor(floats, doubles, offset, shape.ToArray(), length);

    /// <summary>A tensor whose object and storage are new, outside any arena.</summary>
    internal static Tensor Fresh(DType dtype, int[] shape, int length) => dtype == DType.Float32
        ? new Tensor(new float[length], null, 0, shape, length)
        : new Tensor(null, new double[length], 0, shape, length);

    /// <summary>
    /// A tensor whose contents are unspecified, to be overwritten: what operations use for their results. Inside a
    /// <see cref="TensorArena"/> scope its storage is recycled from the previous step (so it holds old values);
    /// elsewhere it is new, and zero.
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>A tensor to overwrite.</returns>
    public static Tensor Empty(DType dtype, params ReadOnlySpan<int> shape)
    {
        int length = ElementCount(shape, nameof(Empty));
        return TensorArena.Rent(dtype, shape, length) ?? Fresh(dtype, shape.ToArray(), length);
    }

    private static int ElementCount(ReadOnlySpan<int> shape, string operation)
    {
        long product = 1;
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"{operation}: shape {ShapeText(shape)} has a negative size.", nameof(shape));
            }

            product *= size;
            if (product > int.MaxValue)
            {
                throw new ArgumentException($"Shape {ShapeText(shape)} has more than {int.MaxValue} elements.", nameof(shape));
            }
        }

        return (int)product;
    }

    /// <summary>The element type.</summary>
    public DType DType => _floats is not null ? DType.Float32 : DType.Float64;

    /// <summary>The size of each dimension, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements: the product of the shape.</summary>
    public int Length { get; private set; }

    /// <summary>The size of dimension <paramref name="axis"/>; a negative axis counts from the end.</summary>
    /// <param name="axis">The dimension.</param>
    /// <returns>Its size.</returns>
    public int Size(int axis) => _shape[NormalizeAxis(axis, Rank, nameof(Size))];

    /// <summary>The elements of a <see cref="DType.Float32"/> tensor, in row-major order.</summary>
    /// <exception cref="InvalidOperationException">The tensor is <see cref="DType.Float64"/>.</exception>
    public Span<float> Floats => _floats is not null
        ? _floats.AsSpan(_offset, Length)
        : throw new InvalidOperationException($"This tensor holds {DType} values; Floats needs {DType.Float32}. Use Doubles, or convert with To(DType.Float32).");

    /// <summary>The elements of a <see cref="DType.Float64"/> tensor, in row-major order.</summary>
    /// <exception cref="InvalidOperationException">The tensor is <see cref="DType.Float32"/>.</exception>
    public Span<double> Doubles => _doubles is not null
        ? _doubles.AsSpan(_offset, Length)
        : throw new InvalidOperationException($"This tensor holds {DType} values; Doubles needs {DType.Float64}. Use Floats, or convert with To(DType.Float64).");

    /// <summary>The elements as <typeparamref name="T"/>, which must be the tensor's element type.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The elements, in row-major order.</returns>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float) && _floats is not null)
        {
            return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_floats.AsSpan(_offset, Length));
        }

        if (typeof(T) == typeof(double) && _doubles is not null)
        {
            return System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(_doubles.AsSpan(_offset, Length));
        }

        throw new InvalidOperationException($"This tensor holds {DType} values, not {typeof(T).Name}.");
    }

    /// <summary>Reads or writes one element by its full index.</summary>
    /// <param name="indices">One index per dimension.</param>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params ReadOnlySpan<int> indices]
    {
        get
        {
            int flat = FlatIndex(indices);
            return _floats is not null ? _floats[_offset + flat] : _doubles![_offset + flat];
        }

        set
        {
            int flat = FlatIndex(indices);
            if (_floats is not null)
            {
                _floats[_offset + flat] = (float)value;
            }
            else
            {
                _doubles![_offset + flat] = value;
            }
        }
    }

    /// <summary>The value of a tensor with one element (any shape), as a <see cref="double"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidOperationException">The tensor does not have exactly one element.</exception>
    public double Item()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element; this one has shape {ShapeText(_shape)} ({Length} elements).");
        }

        return _floats is not null ? _floats[_offset] : _doubles![_offset];
    }

    /// <summary>A tensor of zeros.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>A new <see cref="DType.Float32"/> tensor.</returns>
    public static Tensor Zeros(params ReadOnlySpan<int> shape) => Zeros(DType.Float32, shape);

    /// <summary>A tensor of zeros of the given element type.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Zeros(DType dtype, params ReadOnlySpan<int> shape)
    {
        if (dtype is not (DType.Float32 or DType.Float64))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Expected Float32 or Float64.");
        }

        int length = ElementCount(shape, nameof(Zeros));
        var recycled = TensorArena.Rent(dtype, shape, length);
        if (recycled is not null)
        {
            recycled.Clear();
            return recycled;
        }

        return Fresh(dtype, shape.ToArray(), length);
    }

    /// <summary>A tensor of ones.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>A new <see cref="DType.Float32"/> tensor.</returns>
    public static Tensor Ones(params ReadOnlySpan<int> shape) => Full(DType.Float32, 1, shape);

    /// <summary>A tensor of ones of the given element type.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Ones(DType dtype, params ReadOnlySpan<int> shape) => Full(dtype, 1, shape);

    /// <summary>A tensor with every element set to <paramref name="value"/>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="value">The value.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Full(DType dtype, double value, params ReadOnlySpan<int> shape)
    {
        var t = Zeros(dtype, shape);
        t.Fill(value);
        return t;
    }

    /// <summary>A <see cref="DType.Float32"/> tensor that takes ownership of <paramref name="data"/> (no copy).</summary>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The shape; its product must equal the length of <paramref name="data"/>. Empty means a vector.</param>
    /// <returns>A tensor over <paramref name="data"/>.</returns>
    public static Tensor FromArray(float[] data, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] copy = shape.IsEmpty ? [data.Length] : CheckedShape(shape, nameof(FromArray));
        CheckLength(data.Length, copy, nameof(FromArray));
        return new Tensor(data, null, 0, copy, data.Length);
    }

    /// <summary>A <see cref="DType.Float64"/> tensor that takes ownership of <paramref name="data"/> (no copy).</summary>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The shape; its product must equal the length of <paramref name="data"/>. Empty means a vector.</param>
    /// <returns>A tensor over <paramref name="data"/>.</returns>
    public static Tensor FromArray(double[] data, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] copy = shape.IsEmpty ? [data.Length] : CheckedShape(shape, nameof(FromArray));
        CheckLength(data.Length, copy, nameof(FromArray));
        return new Tensor(null, data, 0, copy, data.Length);
    }

    /// <summary>A scalar (rank 0) tensor.</summary>
    /// <param name="value">The value.</param>
    /// <param name="dtype">The element type.</param>
    /// <returns>A new tensor of shape <c>[]</c>.</returns>
    public static Tensor Scalar(double value, DType dtype = DType.Float32)
    {
        var t = Zeros(dtype, ReadOnlySpan<int>.Empty);
        t.Fill(value);
        return t;
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    public void Fill(double value)
    {
        if (_floats is not null)
        {
            Floats.Fill((float)value);
        }
        else
        {
            Doubles.Fill(value);
        }
    }

    /// <summary>Sets every element to zero.</summary>
    public void Clear()
    {
        if (_floats is not null)
        {
            Floats.Clear();
        }
        else
        {
            Doubles.Clear();
        }
    }

    /// <summary>Copies the elements of <paramref name="source"/>, which must have the same shape, into this tensor.</summary>
    /// <param name="source">The tensor to copy; converted if its element type differs.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!SameShape(source))
        {
            throw new ArgumentException($"CopyFrom: the source has shape {ShapeText(source._shape)}, this tensor has shape {ShapeText(_shape)}.", nameof(source));
        }

        if (_floats is not null)
        {
            if (source._floats is not null)
            {
                source.Floats.CopyTo(Floats);
            }
            else
            {
                var to = Floats;
                var from = source.Doubles;
                for (int i = 0; i < to.Length; i++)
                {
                    to[i] = (float)from[i];
                }
            }
        }
        else if (source._doubles is not null)
        {
            source.Doubles.CopyTo(Doubles);
        }
        else
        {
            var to = Doubles;
            var from = source.Floats;
            for (int i = 0; i < to.Length; i++)
            {
                to[i] = from[i];
            }
        }
    }

    /// <summary>A copy with its own storage.</summary>
    /// <returns>A new tensor with the same shape, element type and values.</returns>
    public Tensor Clone()
    {
        var copy = Zeros(DType, _shape);
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (a plain copy if it already has that type).</summary>
    /// <param name="dtype">The element type of the copy.</param>
    /// <returns>A new tensor.</returns>
    public Tensor To(DType dtype)
    {
        var copy = Zeros(dtype, _shape);
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>
    /// A view of rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of the first
    /// dimension (a range of a batch). It shares storage with this tensor.
    /// </summary>
    /// <param name="start">The first row.</param>
    /// <param name="count">How many rows.</param>
    /// <returns>A view of shape <c>[count, ...]</c>.</returns>
    public Tensor Slice(int start, int count)
    {
        if (Rank == 0)
        {
            throw new InvalidOperationException("Slice needs a tensor of rank 1 or more; this one is a scalar.");
        }

        if ((uint)start > (uint)_shape[0] || (uint)count > (uint)(_shape[0] - start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice({start}, {count}) is outside the first dimension of a tensor of shape {ShapeText(_shape)}.");
        }

        int rowLength = _shape[0] == 0 ? 0 : Length / _shape[0];
        Span<int> shape = stackalloc int[_shape.Length];
        _shape.CopyTo(shape);
        shape[0] = count;
        return Over(_floats, _doubles, _offset + start * rowLength, shape, count * rowLength);
    }

    /// <summary>A view of row <paramref name="index"/> of the first dimension, with that dimension removed.</summary>
    /// <param name="index">The row.</param>
    /// <returns>A view of shape <c>Shape[1..]</c>.</returns>
    public Tensor Row(int index)
    {
        var slice = Slice(index, 1);
        return slice.Reshape(_shape.AsSpan(1));
    }

    /// <summary>
    /// A view with another shape and the same elements in the same order; one dimension may be -1 and is then
    /// inferred.
    /// </summary>
    /// <param name="shape">The new shape; its product must equal <see cref="Length"/>.</param>
    /// <returns>A view sharing storage with this tensor.</returns>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        Span<int> copy = stackalloc int[shape.Length];
        shape.CopyTo(copy);
        int infer = -1;
        int known = 1;
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] == -1 && infer < 0)
            {
                infer = i;
            }
            else if (copy[i] < 0)
            {
                throw new ArgumentException($"Reshape: shape {ShapeText(copy)} has a negative size other than one -1 (tensor shape {ShapeText(_shape)}).", nameof(shape));
            }
            else
            {
                known *= copy[i];
            }
        }

        if (infer >= 0)
        {
            if (known == 0 || Length % known != 0)
            {
                throw new ArgumentException($"Reshape: cannot infer the -1 in {ShapeText(copy)} for a tensor of shape {ShapeText(_shape)} ({Length} elements).", nameof(shape));
            }

            copy[infer] = Length / known;
        }

        if (Product(copy) != Length)
        {
            throw new ArgumentException($"Reshape: shape {ShapeText(copy)} has {Product(copy)} elements; the tensor of shape {ShapeText(_shape)} has {Length}.", nameof(shape));
        }

        return Over(_floats, _doubles, _offset, copy, Length);
    }

    /// <summary>Whether <paramref name="other"/> has the same shape.</summary>
    /// <param name="other">The other tensor.</param>
    /// <returns><see langword="true"/> if every dimension matches.</returns>
    public bool SameShape(Tensor other) => _shape.AsSpan().SequenceEqual(other._shape);

    /// <summary>Whether the shape equals <paramref name="shape"/>.</summary>
    /// <param name="shape">The shape to compare with.</param>
    /// <returns><see langword="true"/> if every dimension matches.</returns>
    public bool HasShape(ReadOnlySpan<int> shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>The shape as text, as in exception messages: <c>[32, 784]</c>.</summary>
    public string ShapeText() => ShapeText(_shape);

    /// <summary>The shape and, for small tensors, the values.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Tensor ").Append(DType).Append(' ').Append(ShapeText(_shape));
        if (Length <= 16)
        {
            text.Append(" {");
            for (int i = 0; i < Length; i++)
            {
                double v = _floats is not null ? _floats[_offset + i] : _doubles![_offset + i];
                text.Append(i > 0 ? ", " : " ").Append(v.ToString("G6", CultureInfo.InvariantCulture));
            }

            text.Append(" }");
        }

        return text.ToString();
    }

    internal static string ShapeText(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            text.Append(i > 0 ? ", " : string.Empty).Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    internal static int NormalizeAxis(int axis, int rank, string operation)
    {
        int normalized = axis < 0 ? axis + rank : axis;
        if ((uint)normalized >= (uint)Math.Max(rank, 0) )
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"{operation}: axis {axis} is outside a tensor of rank {rank}.");
        }

        return normalized;
    }

    private int FlatIndex(ReadOnlySpan<int> indices)
    {
        if (indices.Length != _shape.Length)
        {
            throw new ArgumentException($"The tensor has rank {Rank} (shape {ShapeText(_shape)}); {indices.Length} indices were given.", nameof(indices));
        }

        int flat = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)_shape[i])
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {indices[i]} is outside dimension {i} of a tensor of shape {ShapeText(_shape)}.");
            }

            flat = flat * _shape[i] + indices[i];
        }

        return flat;
    }

    private static int[] CheckedShape(ReadOnlySpan<int> shape, string operation)
    {
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"{operation}: shape {ShapeText(shape)} has a negative size.", nameof(shape));
            }
        }

        return shape.ToArray();
    }

    private static void CheckLength(int length, int[] shape, string operation)
    {
        if (Product(shape) != length)
        {
            throw new ArgumentException($"{operation}: shape {ShapeText(shape)} has {Product(shape)} elements; the array has {length}.", nameof(shape));
        }
    }

    private static int Product(ReadOnlySpan<int> shape)
    {
        long product = 1;
        foreach (int size in shape)
        {
            product *= size;
            if (product > int.MaxValue)
            {
                throw new ArgumentException($"Shape {ShapeText(shape)} has more than {int.MaxValue} elements.", nameof(shape));
            }
        }

        return (int)product;
    }
}
