using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>
/// The shared machinery of the element-wise operations of <see cref="TensorMath"/>: dispatch on the element type,
/// broadcasting forward and reduction backward, and the bodies of the longer rules. Nothing here allocates beyond
/// <see cref="Tensor.Empty"/> temporaries, which a <see cref="TensorArena"/> recycles.
/// </summary>
internal static class ElementwiseOps
{
    /// <summary>Whether the tensor holds <see cref="float"/> values.</summary>
    public static bool IsFloat32(Tensor x) => x.DType == DType.Float32;

    /// <summary>The broadcasting element-wise operation K on two tensors.</summary>
    public static Tensor Broadcast<TFloat, TDouble>(string operation, Tensor a, Tensor b)
        where TFloat : IBinaryKernel<float>
        where TDouble : IBinaryKernel<double>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        OpChecks.SameDType(operation, a, b);
        Span<int> shape = stackalloc int[Math.Max(a.Rank, b.Rank)];
        Broadcasting.Shape(operation, a.Shape, b.Shape, shape);
        var result = Tensor.Empty(a.DType, shape);
        if (IsFloat32(a))
        {
            Broadcasting.Apply<float, TFloat>(a.Floats, a.Shape, b.Floats, b.Shape, result.Floats, result.Shape);
        }
        else
        {
            Broadcasting.Apply<double, TDouble>(a.Doubles, a.Shape, b.Doubles, b.Shape, result.Doubles, result.Shape);
        }

        return result;
    }

    /// <summary>K(tensor, scalar).</summary>
    public static Tensor ScalarRight<TFloat, TDouble>(Tensor a, double b)
        where TFloat : IBinaryKernel<float>
        where TDouble : IBinaryKernel<double>
    {
        ArgumentNullException.ThrowIfNull(a);
        var result = Tensor.Empty(a.DType, a.Shape);
        if (IsFloat32(a))
        {
            TFloat.Run(a.Floats, (float)b, result.Floats);
        }
        else
        {
            TDouble.Run(a.Doubles, b, result.Doubles);
        }

        return result;
    }

    /// <summary>K(scalar, tensor).</summary>
    public static Tensor ScalarLeft<TFloat, TDouble>(double a, Tensor b)
        where TFloat : IBinaryKernel<float>
        where TDouble : IBinaryKernel<double>
    {
        ArgumentNullException.ThrowIfNull(b);
        var result = Tensor.Empty(b.DType, b.Shape);
        if (IsFloat32(b))
        {
            TFloat.Run((float)a, b.Floats, result.Floats);
        }
        else
        {
            TDouble.Run(a, b.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary><c>target += source</c> summed over the dimensions along which target was broadcast; nothing when target is null.</summary>
    public static void AccumulateReduced(Tensor source, Tensor? target, bool subtract)
    {
        if (target is null)
        {
            return;
        }

        if (IsFloat32(source))
        {
            Broadcasting.AccumulateReduced<float>(source.Floats, source.Shape, target.Floats, target.Shape, subtract);
        }
        else
        {
            Broadcasting.AccumulateReduced<double>(source.Doubles, source.Shape, target.Doubles, target.Shape, subtract);
        }
    }

    /// <summary><c>target += source · scale</c> (same shapes); nothing when target is null.</summary>
    public static void AddScaled(Tensor source, double scale, Tensor? target)
    {
        if (target is null)
        {
            return;
        }

        if (IsFloat32(source))
        {
            TensorPrimitives.MultiplyAdd(source.Floats, (float)scale, target.Floats, target.Floats);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(source.Doubles, scale, target.Doubles, target.Doubles);
        }
    }

    /// <summary>The sum of all elements, as a double.</summary>
    public static double SumOf(Tensor x) => IsFloat32(x) ? TensorPrimitives.Sum<float>(x.Floats) : TensorPrimitives.Sum<double>(x.Doubles);

    /// <summary>Σ x·y over same-shaped tensors, as a double.</summary>
    public static double DotOf(Tensor x, Tensor y) =>
        IsFloat32(x) ? TensorPrimitives.Dot<float>(x.Floats, y.Floats) : TensorPrimitives.Dot<double>(x.Doubles, y.Doubles);

    /// <summary>target += reduce(g · other) for one operand of a broadcasting product.</summary>
    public static void MultiplyBackwardCore<T>(Tensor gradient, Tensor other, Tensor? target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (target is null)
        {
            return;
        }

        ReadOnlySpan<T> g = gradient.AsSpan<T>();
        if (target.Length == gradient.Length && other.Length == gradient.Length)
        {
            Span<T> d = target.AsSpan<T>();
            TensorPrimitives.MultiplyAdd(g, other.AsSpan<T>(), d, d);
            return;
        }

        var t = Tensor.Empty(gradient.DType, gradient.Shape);
        Broadcasting.Apply<T, ElementKernels.Multiply<T>>(g, gradient.Shape, other.AsSpan<T>(), other.Shape, t.AsSpan<T>(), t.Shape);
        Broadcasting.AccumulateReduced<T>(t.AsSpan<T>(), t.Shape, target.AsSpan<T>(), target.Shape);
    }

    /// <summary>Checks the operand of an element-wise function and creates its result.</summary>
    public static Tensor UnaryResult(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Tensor.Empty(x.DType, x.Shape);
    }

    /// <summary>A new tensor shaped like <paramref name="x"/> holding f(x), by the float or the double kernel.</summary>
    public static unsafe Tensor Map(Tensor x, delegate*<ReadOnlySpan<float>, Span<float>, void> single, delegate*<ReadOnlySpan<double>, Span<double>, void> @double)
    {
        var result = UnaryResult(x);
        if (IsFloat32(x))
        {
            single(x.Floats, result.Floats);
        }
        else
        {
            @double(x.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary><c>dx += a·b</c> (same shapes).</summary>
    public static void MultiplyAddInto(Tensor a, Tensor b, Tensor dx)
    {
        if (IsFloat32(dx))
        {
            TensorPrimitives.MultiplyAdd(a.Floats, b.Floats, dx.Floats, dx.Floats);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(a.Doubles, b.Doubles, dx.Doubles, dx.Doubles);
        }
    }

    /// <summary><c>dx += K(a, b, p)</c> element by element (same shapes); nothing when dx is null.</summary>
    public static void AccumulateTerm<TFloat, TDouble>(Tensor a, Tensor b, double p, Tensor? dx)
        where TFloat : IAccumulateKernel<float>
        where TDouble : IAccumulateKernel<double>
    {
        if (dx is null)
        {
            return;
        }

        if (IsFloat32(dx))
        {
            ElementKernels.Accumulate<float, TFloat>(a.Floats, b.Floats, (float)p, dx.Floats);
        }
        else
        {
            ElementKernels.Accumulate<double, TDouble>(a.Doubles, b.Doubles, p, dx.Doubles);
        }
    }

    /// <summary>The body of the rule of <c>Pow(Tensor, double)</c>: adds into dx, returns the exponent's gradient.</summary>
    public static double PowScalarBackwardCore<T>(Tensor gradient, Tensor result, Tensor x, T p, Tensor? dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> g = gradient.AsSpan<T>();
        ReadOnlySpan<T> xs = x.AsSpan<T>();
        Span<T> t = Tensor.Empty(x.DType, x.Shape).AsSpan<T>();
        if (dx is not null && p != T.Zero)
        {
            // dx += g · (p · x^(p−1))
            TensorPrimitives.Pow(xs, p - T.One, t);
            TensorPrimitives.Multiply(t, p, t);
            Span<T> d = dx.AsSpan<T>();
            TensorPrimitives.MultiplyAdd(g, t, d, d);
        }

        // Σ g · result · ln x, skipping x = 0 when p ≥ 0 (there result · ln x → 0).
        TensorPrimitives.Log(xs, t);
        TensorPrimitives.Multiply(t, result.AsSpan<T>(), t);
        bool skipZeros = p >= T.Zero;
        double sum = 0;
        for (int i = 0; i < t.Length; i++)
        {
            if (!(skipZeros && xs[i] == T.Zero))
            {
                sum += double.CreateTruncating(g[i] * t[i]);
            }
        }

        return sum;
    }

    /// <summary>The body of the rule of <c>Pow(Tensor, Tensor)</c>.</summary>
    public static void PowTensorBackwardCore<T>(Tensor gradient, Tensor result, Tensor x, Tensor exponent, Tensor? dx, Tensor? dexponent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> g = gradient.AsSpan<T>();
        ReadOnlySpan<T> xs = BroadcastTo<T>(x, gradient);
        ReadOnlySpan<T> ys = BroadcastTo<T>(exponent, gradient);
        var temporary = Tensor.Empty(gradient.DType, gradient.Shape);
        Span<T> t = temporary.AsSpan<T>();
        if (dx is not null)
        {
            // g · y · x^(y−1), 0 where y = 0.
            TensorPrimitives.Subtract(ys, T.One, t);
            TensorPrimitives.Pow(xs, t, t);
            TensorPrimitives.Multiply(t, ys, t);
            TensorPrimitives.Multiply(t, g, t);
            for (int i = 0; i < t.Length; i++)
            {
                if (ys[i] == T.Zero)
                {
                    t[i] = T.Zero;
                }
            }

            Broadcasting.AccumulateReduced<T>(t, temporary.Shape, dx.AsSpan<T>(), dx.Shape);
        }

        if (dexponent is not null)
        {
            // g · result · ln x, 0 where x = 0 and y ≥ 0.
            TensorPrimitives.Log(xs, t);
            TensorPrimitives.Multiply(t, result.AsSpan<T>(), t);
            TensorPrimitives.Multiply(t, g, t);
            for (int i = 0; i < t.Length; i++)
            {
                if (xs[i] == T.Zero && ys[i] >= T.Zero)
                {
                    t[i] = T.Zero;
                }
            }

            Broadcasting.AccumulateReduced<T>(t, temporary.Shape, dexponent.AsSpan<T>(), dexponent.Shape);
        }
    }

    /// <summary>The elements of <paramref name="x"/> broadcast to the shape of <paramref name="like"/>: its own span if it already has that many elements, else a temporary copy.</summary>
    public static ReadOnlySpan<T> BroadcastTo<T>(Tensor x, Tensor like)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (like.Length == x.Length)
        {
            return x.AsSpan<T>();
        }

        var target = Tensor.Empty(x.DType, like.Shape);
        Broadcasting.Apply<T, ElementKernels.First<T>>(x.AsSpan<T>(), x.Shape, x.AsSpan<T>(), x.Shape, target.AsSpan<T>(), target.Shape);
        return target.AsSpan<T>();
    }

    /// <summary>The <see cref="DType"/> that holds <typeparamref name="T"/> values.</summary>
    public static DType DTypeOf<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? DType.Float32 : DType.Float64;

    /// <summary>A temporary of <paramref name="length"/> elements from <see cref="Tensor.Empty"/> (recycled inside a <see cref="TensorArena"/> scope); its contents are unspecified.</summary>
    public static Span<T> Scratch<T>(int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Tensor.Empty(DTypeOf<T>(), length).AsSpan<T>();

    /// <summary><c>target += value</c> in every element; nothing when target is null.</summary>
    public static void AddScalar(Tensor? target, double value)
    {
        if (target is null)
        {
            return;
        }

        if (IsFloat32(target))
        {
            TensorPrimitives.Add(target.Floats, (float)value, target.Floats);
        }
        else
        {
            TensorPrimitives.Add(target.Doubles, value, target.Doubles);
        }
    }
}
