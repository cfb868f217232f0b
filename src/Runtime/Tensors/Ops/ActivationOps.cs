using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DiffGen;

/// <summary>The loops behind the activation functions of <see cref="TensorMath"/> that have no single <see cref="TensorPrimitives"/> kernel.</summary>
internal static class ActivationOps
{
    /// <summary>Σ g·x over the elements with x ≤ 0 (the derivative of LeakyReLU with respect to its slope).</summary>
    public static double NegativePartDot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] > T.Zero))
            {
                sum += double.CreateTruncating(x[i] * g[i]);
            }
        }

        return sum;
    }

    /// <summary>
    /// <c>y = x·Φ(x)</c>: in double precision from <see cref="SpecialFunctions"/>; in single precision, vectorised, with
    /// a rational approximation of erf (see <see cref="FastErf(Vector{float})"/>).
    /// </summary>
    public static void Gelu<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            GeluSingle(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
            return;
        }

        for (int i = 0; i < y.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            y[i] = T.CreateTruncating(v * SpecialFunctions.NormalCdf(v));
        }
    }

    /// <summary><c>dx += g·(Φ(x) + x·φ(x))</c>, in the precision of <see cref="Gelu{T}"/>.</summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            GeluBackwardSingle(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(g), MemoryMarshal.Cast<T, float>(dx));
            return;
        }

        for (int i = 0; i < dx.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            double slope = SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v);
            dx[i] += T.CreateTruncating(double.CreateTruncating(g[i]) * slope);
        }
    }

    private const float InverseSqrtTwo = 0.70710678118654752f;
    private const float InverseSqrtTwoPi = 0.39894228040143268f;

    private static void GeluSingle(ReadOnlySpan<float> x, Span<float> y)
    {
        x = x[..y.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var half = new Vector<float>(0.5f);
            var scale = new Vector<float>(InverseSqrtTwo);
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                (v * half * (Vector<float>.One + FastErf(v * scale))).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] = x[i] * 0.5f * (1 + FastErf(x[i] * InverseSqrtTwo));
        }
    }

    private static void GeluBackwardSingle(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        x = x[..dx.Length];
        g = g[..dx.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var half = new Vector<float>(0.5f);
            var scale = new Vector<float>(InverseSqrtTwo);
            var density = new Vector<float>(InverseSqrtTwoPi);
            for (; i <= dx.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                var cdf = half * (Vector<float>.One + FastErf(v * scale));
                var pdf = density * Vector.Exp(-half * v * v);
                (new Vector<float>(dx[i..]) + new Vector<float>(g[i..]) * (cdf + v * pdf)).CopyTo(dx[i..]);
            }
        }

        for (; i < dx.Length; i++)
        {
            float v = x[i];
            float cdf = 0.5f * (1 + FastErf(v * InverseSqrtTwo));
            float pdf = InverseSqrtTwoPi * MathF.Exp(-0.5f * v * v);
            dx[i] += g[i] * (cdf + v * pdf);
        }
    }

    // The single-precision rational approximation of erf used by Eigen and XLA: odd degree-13 numerator over even
    // degree-8 denominator on [-4, 4] (erf is ±1 in single precision outside), at most about 3e-7 absolute error (measured against the double-precision erf).
    private const float ErfA1 = -1.60960333262415e-02f;
    private const float ErfA3 = -2.95459980854025e-03f;
    private const float ErfA5 = -7.34990630326855e-04f;
    private const float ErfA7 = -5.69250639462346e-05f;
    private const float ErfA9 = -2.10102402082508e-06f;
    private const float ErfA11 = 2.77068142495902e-08f;
    private const float ErfA13 = -2.72614225801306e-10f;
    private const float ErfB0 = -1.42647390514189e-02f;
    private const float ErfB2 = -7.37332916720468e-03f;
    private const float ErfB4 = -1.68282697438203e-03f;
    private const float ErfB6 = -2.13374055278905e-04f;
    private const float ErfB8 = -1.45660718464996e-05f;

    /// <summary>erf in single precision, to about 3e-7 absolute, lane by lane.</summary>
    internal static Vector<float> FastErf(Vector<float> z)
    {
        z = Vector.Min(Vector.Max(z, new Vector<float>(-4f)), new Vector<float>(4f));
        var z2 = z * z;
        var p = new Vector<float>(ErfA13);
        p = (p * z2) + new Vector<float>(ErfA11);
        p = (p * z2) + new Vector<float>(ErfA9);
        p = (p * z2) + new Vector<float>(ErfA7);
        p = (p * z2) + new Vector<float>(ErfA5);
        p = (p * z2) + new Vector<float>(ErfA3);
        p = (p * z2) + new Vector<float>(ErfA1);
        var q = new Vector<float>(ErfB8);
        q = (q * z2) + new Vector<float>(ErfB6);
        q = (q * z2) + new Vector<float>(ErfB4);
        q = (q * z2) + new Vector<float>(ErfB2);
        q = (q * z2) + new Vector<float>(ErfB0);
        return z * p / q;
    }

    /// <summary>erf in single precision, to about 3e-7 absolute: the scalar form of <see cref="FastErf(Vector{float})"/>.</summary>
    internal static float FastErf(float z)
    {
        z = Math.Clamp(z, -4f, 4f);
        float z2 = z * z;
        float p = ErfA13;
        p = (p * z2) + ErfA11;
        p = (p * z2) + ErfA9;
        p = (p * z2) + ErfA7;
        p = (p * z2) + ErfA5;
        p = (p * z2) + ErfA3;
        p = (p * z2) + ErfA1;
        float q = ErfB8;
        q = (q * z2) + ErfB6;
        q = (q * z2) + ErfB4;
        q = (q * z2) + ErfB2;
        q = (q * z2) + ErfB0;
        return z * p / q;
    }

    /// <summary>Softmax (or, when <paramref name="log"/>, log-softmax) of <paramref name="x"/> along the layout's axis into <paramref name="y"/>.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout layout, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = layout.Size;
        int inner = layout.Inner;
        if (y.IsEmpty)
        {
            return;
        }

        if (inner == 1)
        {
            for (int o = 0; o < layout.Outer; o++)
            {
                ReadOnlySpan<T> row = x.Slice(o * size, size);
                Span<T> to = y.Slice(o * size, size);
                T rowMax = TensorPrimitives.Max(row);
                TensorPrimitives.Subtract(row, rowMax, to);
                TensorPrimitives.Exp(to, to);
                T sum = TensorPrimitives.Sum<T>(to);
                if (log)
                {
                    TensorPrimitives.Subtract(row, rowMax + T.Log(sum), to);
                }
                else
                {
                    TensorPrimitives.Multiply(to, T.One / sum, to);
                }
            }

            return;
        }

        // Slices along the axis are strided: work on whole rows of Inner elements, with a running maximum and sum.
        Span<T> scratch = ElementwiseOps.Scratch<T>(2 * inner);
        Span<T> max = scratch[..inner];
        Span<T> sums = scratch[inner..];
        for (int o = 0; o < layout.Outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * layout.Block, layout.Block);
            Span<T> to = y.Slice(o * layout.Block, layout.Block);
            block[..inner].CopyTo(max);
            for (int j = 1; j < size; j++)
            {
                TensorPrimitives.Max(max, block.Slice(j * inner, inner), max);
            }

            sums.Clear();
            for (int j = 0; j < size; j++)
            {
                Span<T> row = to.Slice(j * inner, inner);
                TensorPrimitives.Subtract(block.Slice(j * inner, inner), max, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Add(sums, row, sums);
            }

            if (log)
            {
                // log-sum-exp = max + ln Σ
                TensorPrimitives.Log(sums, sums);
                TensorPrimitives.Add(sums, max, sums);
                for (int j = 0; j < size; j++)
                {
                    TensorPrimitives.Subtract(block.Slice(j * inner, inner), sums, to.Slice(j * inner, inner));
                }
            }
            else
            {
                for (int j = 0; j < size; j++)
                {
                    Span<T> row = to.Slice(j * inner, inner);
                    TensorPrimitives.Divide(row, sums, row);
                }
            }
        }
    }

    /// <summary>
    /// Softmax backward, <c>dx += y·(g − Σ_axis g·y)</c>, or when <paramref name="log"/> (y the log-softmax)
    /// <c>dx += g − exp(y)·Σ_axis g</c>.
    /// </summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx, AxisLayout layout, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = layout.Size;
        int inner = layout.Inner;
        if (dx.IsEmpty)
        {
            return;
        }

        if (inner == 1)
        {
            Span<T> expY = log ? ElementwiseOps.Scratch<T>(size) : default;
            for (int o = 0; o < layout.Outer; o++)
            {
                ReadOnlySpan<T> gr = g.Slice(o * size, size);
                ReadOnlySpan<T> yr = y.Slice(o * size, size);
                Span<T> dr = dx.Slice(o * size, size);
                if (log)
                {
                    TensorPrimitives.Exp(yr, expY);
                    ElementKernels.Accumulate<T, ElementKernels.LogSoftmaxGradient<T>>(expY, gr, TensorPrimitives.Sum(gr), dr);
                }
                else
                {
                    ElementKernels.Accumulate<T, ElementKernels.SoftmaxGradient<T>>(yr, gr, TensorPrimitives.Dot(gr, yr), dr);
                }
            }

            return;
        }

        Span<T> scratch = ElementwiseOps.Scratch<T>(2 * inner);
        Span<T> sums = scratch[..inner];
        Span<T> t = scratch[inner..];
        for (int o = 0; o < layout.Outer; o++)
        {
            int start = o * layout.Block;
            sums.Clear();
            for (int j = 0; j < size; j++)
            {
                ReadOnlySpan<T> gr = g.Slice(start + j * inner, inner);
                if (log)
                {
                    TensorPrimitives.Add(sums, gr, sums);
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(gr, y.Slice(start + j * inner, inner), sums, sums);
                }
            }

            for (int j = 0; j < size; j++)
            {
                ReadOnlySpan<T> gr = g.Slice(start + j * inner, inner);
                ReadOnlySpan<T> yr = y.Slice(start + j * inner, inner);
                Span<T> dr = dx.Slice(start + j * inner, inner);
                if (log)
                {
                    // dx += g − exp(y)·Σg
                    TensorPrimitives.Exp(yr, t);
                    TensorPrimitives.Multiply(t, sums, t);
                    TensorPrimitives.Subtract(gr, t, t);
                    TensorPrimitives.Add(dr, t, dr);
                }
                else
                {
                    // dx += y·(g − Σ g·y)
                    TensorPrimitives.Subtract(gr, sums, t);
                    TensorPrimitives.MultiplyAdd(yr, t, dr, dr);
                }
            }
        }
    }
}
