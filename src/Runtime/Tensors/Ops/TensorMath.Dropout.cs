using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen;

public static partial class TensorMath
{
    /// <summary>
    /// Dropout: in training, zeroes each element with probability <paramref name="p"/> and scales the others by
    /// <c>1 / (1 − p)</c>, so the expected value is unchanged; in evaluation, returns a copy of the input.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Which elements are dropped is a pure function of <paramref name="seed"/> and the element's index (a hash, not a
    /// generator with state): the same seed drops the same elements, bit for bit, on every run, thread and .NET version,
    /// in <see cref="DType.Float32"/> and <see cref="DType.Float64"/> alike. That is what lets the backward rule apply
    /// the very mask the forward used without storing it. Pass a different seed at every step (and to every dropout
    /// layer of a model), for example <c>seed: step * 16 + layer</c>; reusing a seed reuses the mask.
    /// </para>
    /// <para>
    /// With <paramref name="p"/> = 1 every element is dropped and the result is zero (as in PyTorch); with
    /// <paramref name="p"/> = 0 or <paramref name="training"/> false the result is the input.
    /// </para>
    /// </remarks>
    /// <param name="input">The tensor to drop elements of, any shape.</param>
    /// <param name="p">The probability that an element is dropped, in [0, 1]. It gets no gradient.</param>
    /// <param name="training">Whether to drop (training) or to pass the input through (evaluation).</param>
    /// <param name="seed">Chooses the dropped elements; see the remarks.</param>
    /// <returns>A new tensor shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1].</exception>
    /// <example>
    /// <code>
    /// var hidden = Dropout(Relu(x.MatMul(w1)), 0.5, training: true, seed: step);
    /// </code>
    /// </example>
    public static Tensor Dropout(Tensor input, [NoDiff] double p, bool training, long seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        DropoutMask.CheckProbability(nameof(Dropout), p);
        var result = Tensor.Empty(input.DType, input.Shape);
        bool drop = training && p > 0;
        if (input.DType == DType.Float32)
        {
            if (drop)
            {
                DropoutMask.Apply(input.Floats, result.Floats, p, seed, accumulate: false);
            }
            else
            {
                input.Floats.CopyTo(result.Floats);
            }
        }
        else if (drop)
        {
            DropoutMask.Apply(input.Doubles, result.Doubles, p, seed, accumulate: false);
        }
        else
        {
            input.Doubles.CopyTo(result.Doubles);
        }

        return result;
    }

    /// <summary>
    /// The backward rule of <see cref="Dropout"/>: adds the upstream gradient, masked and scaled exactly as the forward
    /// masked and scaled the input (the mask is rebuilt from <paramref name="seed"/>), or unchanged in evaluation.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="input"/>.</param>
    /// <param name="result">What the dropout returned (not read).</param>
    /// <param name="input">The dropout's input (only its shape is read).</param>
    /// <param name="p">The dropout's probability.</param>
    /// <param name="training">The dropout's mode.</param>
    /// <param name="seed">The dropout's seed.</param>
    /// <param name="dinput">Receives the gradient, shaped like <paramref name="input"/>; skipped when <see langword="null"/>.</param>
    [DerivativeOf(nameof(Dropout))]
    public static void DropoutBackward(Tensor gradient, Tensor result, Tensor input, [NoDiff] double p, bool training, long seed, Tensor? dinput)
    {
        const string op = nameof(DropoutBackward);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(input);
        DropoutMask.CheckProbability(op, p);
        Conv2dChecks.Gradient(op, nameof(gradient), gradient, input.Shape, input.DType);
        Conv2dChecks.Gradient(op, nameof(dinput), dinput, input.Shape, input.DType);
        if (dinput is null)
        {
            return;
        }

        bool drop = training && p > 0;
        if (input.DType == DType.Float32)
        {
            if (drop)
            {
                DropoutMask.Apply(gradient.Floats, dinput.Floats, p, seed, accumulate: true);
            }
            else
            {
                TensorPrimitives.Add(dinput.Floats, gradient.Floats, dinput.Floats);
            }
        }
        else if (drop)
        {
            DropoutMask.Apply(gradient.Doubles, dinput.Doubles, p, seed, accumulate: true);
        }
        else
        {
            TensorPrimitives.Add(dinput.Doubles, gradient.Doubles, dinput.Doubles);
        }
    }
}

/// <summary>
/// The dropout mask as a pure function of a seed and an element index: element <c>i</c> is kept when the top 53 bits
/// of <c>SplitMix64(mix(seed) + i·φ)</c>, read as a fraction in [0, 1), are at least <c>p</c>. Keeping the mask a
/// function (no generator state) lets the backward rule rebuild it instead of storing it.
/// </summary>
internal static class DropoutMask
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    public static void CheckProbability(string op, double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{op}: the drop probability must be in [0, 1]; it is {p}.");
        }
    }

    /// <summary>Whether element <paramref name="index"/> is kept, for the seed's <paramref name="key"/> and the threshold of <see cref="Threshold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Keeps(ulong key, ulong threshold, long index) =>
        Mix(unchecked(key + (ulong)index * Golden)) >> 11 >= threshold;

    /// <summary>The key of a seed: a hash, so that neighbouring seeds give unrelated masks.</summary>
    public static ulong Key(long seed) => Mix(unchecked((ulong)seed + Golden));

    /// <summary>The smallest 53-bit value that is kept: <c>ceil(p · 2^53)</c> (above every value when <c>p</c> = 1).</summary>
    public static ulong Threshold(double p) => (ulong)Math.Ceiling(p * (1UL << 53));

    /// <summary>
    /// <c>destination[i] = source[i] / (1 − p)</c> for kept elements and 0 for dropped ones, or with
    /// <paramref name="accumulate"/>, <c>destination[i] += </c> the same.
    /// </summary>
    public static void Apply<T>(ReadOnlySpan<T> source, Span<T> destination, double p, long seed, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        ulong key = Key(seed);
        ulong threshold = Threshold(p);
        T scale = p < 1 ? T.CreateTruncating(1 / (1 - p)) : T.Zero;
        int i = 0;
        if (Avx512DQ.VL.IsSupported && destination.Length >= source.Length)
        {
            i = typeof(T) == typeof(float)
                ? ApplyVectorized(MemoryMarshal.Cast<T, float>(source), MemoryMarshal.Cast<T, float>(destination), float.CreateTruncating(scale), key, threshold, accumulate)
                : ApplyVectorized(MemoryMarshal.Cast<T, double>(source), MemoryMarshal.Cast<T, double>(destination), double.CreateTruncating(scale), key, threshold, accumulate);
        }

        for (; i < source.Length; i++)
        {
            T value = Keeps(key, threshold, i) ? source[i] * scale : T.Zero;
            if (accumulate)
            {
                destination[i] += value;
            }
            else
            {
                destination[i] = value;
            }
        }
    }

    /// <summary>
    /// The masks of 4 consecutive elements from <paramref name="first"/> at once, all bits set where kept: the hash of
    /// <see cref="Keeps"/> on 64-bit lanes (the multiplications need AVX-512DQ's <c>vpmullq</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> KeepMask(Vector256<ulong> key, Vector256<ulong> threshold, long first)
    {
        var index = Vector256.Create((ulong)first) + Vector256.Create(0UL, 1, 2, 3);
        var z = key + index * Vector256.Create(Golden);
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        z ^= Vector256.ShiftRightLogical(z, 31);
        return Vector256.GreaterThanOrEqual(Vector256.ShiftRightLogical(z, 11), threshold);
    }

    /// <summary>The float elements in whole groups of 8; returns how many were done (the rest go one by one).</summary>
    private static int ApplyVectorized(ReadOnlySpan<float> source, Span<float> destination, float scale, ulong key, ulong threshold, bool accumulate)
    {
        var keys = Vector256.Create(key);
        var thresholds = Vector256.Create(threshold);
        var scales = Vector256.Create(scale);
        int i = 0;
        for (; i <= source.Length - 8; i += 8)
        {
            var mask = Vector256.Narrow(KeepMask(keys, thresholds, i), KeepMask(keys, thresholds, i + 4)).AsSingle();
            var value = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)i) * scales & mask;
            if (accumulate)
            {
                value += Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i);
            }

            value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i);
        }

        return i;
    }

    /// <summary>The double elements in whole groups of 4; returns how many were done (the rest go one by one).</summary>
    private static int ApplyVectorized(ReadOnlySpan<double> source, Span<double> destination, double scale, ulong key, ulong threshold, bool accumulate)
    {
        var keys = Vector256.Create(key);
        var thresholds = Vector256.Create(threshold);
        var scales = Vector256.Create(scale);
        int i = 0;
        for (; i <= source.Length - 4; i += 4)
        {
            var mask = KeepMask(keys, thresholds, i).AsDouble();
            var value = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)i) * scales & mask;
            if (accumulate)
            {
                value += Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i);
            }

            value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)i);
        }

        return i;
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
