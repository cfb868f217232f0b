using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace DiffGen.CompilerServices;

/// <summary>
/// The per-thread stacks that generated reverse-mode code uses to record what the forward sweep must hand to the
/// reverse sweep when it cannot be kept in a local: values overwritten inside loops, branch decisions and trip
/// counts, and scratch buffers for adjoints. Not for use in user code.
/// </summary>
/// <remarks>
/// The storage grows when needed and is reused across calls, so a gradient call allocates nothing once the stacks
/// are large enough. Generated methods take a <see cref="TapeMark"/> on entry and <see cref="Release"/> it on exit
/// (also when an exception leaves the method), so nested and recursive calls share one tape.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Tape
{
    [ThreadStatic]
    private static Tape? t_current;

    private double[] _doubles = new double[64];
    private int _doubleCount;
    private float[] _floats = new float[64];
    private int _floatCount;
    private int[] _ints = new int[64];
    private int _intCount;
    private object?[] _objects = new object?[16];
    private int _objectCount;
    private double[] _doubleArena = new double[256];
    private int _doubleArenaTop;
    private float[] _floatArena = new float[256];
    private int _floatArenaTop;

    private Tape()
    {
    }

    /// <summary>The tape of the current thread.</summary>
    public static Tape Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? CreateForThread();
    }

    /// <summary>How many values of each kind the tape holds now.</summary>
    public TapeMark Mark() => new(_doubleCount, _floatCount, _intCount, _objectCount, _doubleArenaTop, _floatArenaTop);

    /// <summary>Drops everything recorded or rented since <paramref name="mark"/> was taken.</summary>
    public void Release(TapeMark mark)
    {
        _doubleCount = mark.Doubles;
        _floatCount = mark.Floats;
        _intCount = mark.Ints;
        if (_objectCount > mark.Objects)
        {
            Array.Clear(_objects, mark.Objects, _objectCount - mark.Objects);
        }

        _objectCount = mark.Objects;
        _doubleArenaTop = mark.DoubleArena;
        _floatArenaTop = mark.FloatArena;
    }

    /// <summary>Records a <see cref="double"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(double value)
    {
        var items = _doubles;
        int count = _doubleCount;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = value;
            _doubleCount = count + 1;
        }
        else
        {
            PushDoubleSlow(value);
        }
    }

    /// <summary>Takes back the last recorded <see cref="double"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double PopDouble() => _doubles[--_doubleCount];

    /// <summary>Records a <see cref="float"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float value)
    {
        var items = _floats;
        int count = _floatCount;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = value;
            _floatCount = count + 1;
        }
        else
        {
            PushFloatSlow(value);
        }
    }

    /// <summary>Takes back the last recorded <see cref="float"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float PopSingle() => _floats[--_floatCount];

    /// <summary>Records an <see cref="int"/> (also used for branch decisions and trip counts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(int value)
    {
        var items = _ints;
        int count = _intCount;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = value;
            _intCount = count + 1;
        }
        else
        {
            PushIntSlow(value);
        }
    }

    /// <summary>Takes back the last recorded <see cref="int"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PopInt32() => _ints[--_intCount];

    /// <summary>Records a <see cref="bool"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(bool value) => Push(value ? 1 : 0);

    /// <summary>Takes back the last recorded <see cref="bool"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool PopBoolean() => PopInt32() != 0;

    /// <summary>Records a <see cref="long"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(long value)
    {
        Push((int)value);
        Push((int)(value >> 32));
    }

    /// <summary>Takes back the last recorded <see cref="long"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PopInt64()
    {
        long high = PopInt32();
        uint low = (uint)PopInt32();
        return (high << 32) | low;
    }

    /// <summary>Records every element of <paramref name="values"/> (a callee's gradient, for example).</summary>
    public void PushRange(ReadOnlySpan<double> values)
    {
        while (_doubles.Length - _doubleCount < values.Length)
        {
            Array.Resize(ref _doubles, _doubles.Length * 2);
        }

        values.CopyTo(_doubles.AsSpan(_doubleCount));
        _doubleCount += values.Length;
    }

    /// <summary>Records every element of <paramref name="values"/>.</summary>
    public void PushRange(ReadOnlySpan<float> values)
    {
        while (_floats.Length - _floatCount < values.Length)
        {
            Array.Resize(ref _floats, _floats.Length * 2);
        }

        values.CopyTo(_floats.AsSpan(_floatCount));
        _floatCount += values.Length;
    }

    /// <summary>Takes back the last <paramref name="length"/> recorded doubles, as a span valid until the next push.</summary>
    public ReadOnlySpan<double> PopDoubles(int length)
    {
        _doubleCount -= length;
        return _doubles.AsSpan(_doubleCount, length);
    }

    /// <summary>Takes back the last <paramref name="length"/> recorded floats, as a span valid until the next push.</summary>
    public ReadOnlySpan<float> PopSingles(int length)
    {
        _floatCount -= length;
        return _floats.AsSpan(_floatCount, length);
    }

    /// <summary>Records a reference (an array the forward sweep replaces, for example).</summary>
    public void PushObject(object? value)
    {
        if (_objectCount == _objects.Length)
        {
            Array.Resize(ref _objects, _objects.Length * 2);
        }

        _objects[_objectCount++] = value;
    }

    /// <summary>Takes back the last recorded reference.</summary>
    public T PopObject<T>()
        where T : class?
    {
        int index = --_objectCount;
        object? value = _objects[index];
        _objects[index] = null;
        return (T)value!;
    }

    /// <summary>The position of the top of the <see cref="double"/> scratch area, to hand to <see cref="ReleaseDoubles"/>.</summary>
    public int DoubleScratchTop => _doubleArenaTop;

    /// <summary>The position of the top of the <see cref="float"/> scratch area, to hand to <see cref="ReleaseSingles"/>.</summary>
    public int SingleScratchTop => _floatArenaTop;

    /// <summary>Rents a zeroed buffer of <paramref name="length"/> doubles, valid until the scratch area is released below it.</summary>
    public Span<double> RentDoubles(int length)
    {
        int top = _doubleArenaTop;
        if (length > _doubleArena.Length - top)
        {
            // Buffers rented before keep the old array alive through their spans; later ones come from the new one.
            _doubleArena = new double[Math.Max(_doubleArena.Length * 2, top + length)];
        }

        var span = _doubleArena.AsSpan(top, length);
        span.Clear();
        _doubleArenaTop = top + length;
        return span;
    }

    /// <summary>
    /// Rents a buffer of <paramref name="length"/> doubles without clearing it, for a callee that overwrites it (a
    /// generated <c>...WithGradient</c> clears its gradient buffers itself).
    /// </summary>
    public Span<double> RentDoublesUncleared(int length)
    {
        int top = _doubleArenaTop;
        if (length > _doubleArena.Length - top)
        {
            _doubleArena = new double[Math.Max(_doubleArena.Length * 2, top + length)];
        }

        _doubleArenaTop = top + length;
        return _doubleArena.AsSpan(top, length);
    }

    /// <summary>Rents a buffer of <paramref name="length"/> floats without clearing it, for a callee that overwrites it.</summary>
    public Span<float> RentSinglesUncleared(int length)
    {
        int top = _floatArenaTop;
        if (length > _floatArena.Length - top)
        {
            _floatArena = new float[Math.Max(_floatArena.Length * 2, top + length)];
        }

        _floatArenaTop = top + length;
        return _floatArena.AsSpan(top, length);
    }

    /// <summary>Rents a zeroed buffer of <paramref name="length"/> floats, valid until the scratch area is released below it.</summary>
    public Span<float> RentSingles(int length)
    {
        int top = _floatArenaTop;
        if (length > _floatArena.Length - top)
        {
            _floatArena = new float[Math.Max(_floatArena.Length * 2, top + length)];
        }

        var span = _floatArena.AsSpan(top, length);
        span.Clear();
        _floatArenaTop = top + length;
        return span;
    }

    /// <summary>Gives back every <see cref="double"/> buffer rented since <see cref="DoubleScratchTop"/> was <paramref name="top"/>.</summary>
    public void ReleaseDoubles(int top) => _doubleArenaTop = top;

    /// <summary>Gives back every <see cref="float"/> buffer rented since <see cref="SingleScratchTop"/> was <paramref name="top"/>.</summary>
    public void ReleaseSingles(int top) => _floatArenaTop = top;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Tape CreateForThread() => t_current = new Tape();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushDoubleSlow(double value)
    {
        Array.Resize(ref _doubles, _doubles.Length * 2);
        _doubles[_doubleCount++] = value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushFloatSlow(float value)
    {
        Array.Resize(ref _floats, _floats.Length * 2);
        _floats[_floatCount++] = value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PushIntSlow(int value)
    {
        Array.Resize(ref _ints, _ints.Length * 2);
        _ints[_intCount++] = value;
    }
}

/// <summary>A position on a <see cref="Tape"/>, taken on entry to a generated method and released on exit.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct TapeMark(int Doubles, int Floats, int Ints, int Objects, int DoubleArena, int FloatArena);
