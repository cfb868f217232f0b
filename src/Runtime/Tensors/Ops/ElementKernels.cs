using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DiffGen;

/// <summary>
/// A binary element-wise operation in the four forms broadcasting needs: both operands runs, one of them a single
/// value, or both single values. Implemented by structs so that the JIT specialises each loop (no delegates).
/// </summary>
internal interface IBinaryKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination);

    static abstract void Run(ReadOnlySpan<T> x, T y, Span<T> destination);

    static abstract void Run(T x, ReadOnlySpan<T> y, Span<T> destination);

    static abstract T Run(T x, T y);
}

/// <summary>A unary element operation with one scalar parameter, in vector and scalar form.</summary>
internal interface IMapKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract Vector<T> Run(Vector<T> x, Vector<T> p);

    static abstract T Run(T x, T p);
}

/// <summary>A term <c>f(a, b, p)</c> added into a gradient: <c>dx += f(a, b, p)</c>, in vector and scalar form.</summary>
internal interface IAccumulateKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p);

    static abstract T Run(T a, T b, T p);
}

/// <summary>The element kernels of the tensor operations and the loops that run them.</summary>
internal static class ElementKernels
{
    /// <summary><c>destination[i] = K(x[i], p)</c>, vectorised.</summary>
    public static void Map<T, TKernel>(ReadOnlySpan<T> x, T p, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IMapKernel<T>
    {
        x = x[..destination.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
            var vd = MemoryMarshal.Cast<T, Vector<T>>(destination);
            var vp = new Vector<T>(p);
            for (int v = 0; v < vd.Length; v++)
            {
                vd[v] = TKernel.Run(vx[v], vp);
            }

            i = vd.Length * Vector<T>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = TKernel.Run(x[i], p);
        }
    }

    /// <summary><c>dx[i] += K(a[i], b[i], p)</c>, vectorised.</summary>
    public static void Accumulate<T, TKernel>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, T p, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IAccumulateKernel<T>
    {
        a = a[..dx.Length];
        b = b[..dx.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var va = MemoryMarshal.Cast<T, Vector<T>>(a);
            var vb = MemoryMarshal.Cast<T, Vector<T>>(b);
            var vd = MemoryMarshal.Cast<T, Vector<T>>(dx);
            var vp = new Vector<T>(p);
            for (int v = 0; v < vd.Length; v++)
            {
                vd[v] += TKernel.Run(va[v], vb[v], vp);
            }

            i = vd.Length * Vector<T>.Count;
        }

        for (; i < dx.Length; i++)
        {
            dx[i] += TKernel.Run(a[i], b[i], p);
        }
    }

    /// <summary><c>x + y</c>.</summary>
    public readonly struct Add<T> : IBinaryKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Add(x, y, destination);

        public static void Run(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Add(x, y, destination);

        public static void Run(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Add(y, x, destination);

        public static T Run(T x, T y) => x + y;
    }

    /// <summary><c>x - y</c>.</summary>
    public readonly struct Subtract<T> : IBinaryKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);

        public static void Run(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);

        public static void Run(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);

        public static T Run(T x, T y) => x - y;
    }

    /// <summary><c>x * y</c>.</summary>
    public readonly struct Multiply<T> : IBinaryKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Multiply(x, y, destination);

        public static void Run(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Multiply(x, y, destination);

        public static void Run(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Multiply(y, x, destination);

        public static T Run(T x, T y) => x * y;
    }

    /// <summary><c>x / y</c>.</summary>
    public readonly struct Divide<T> : IBinaryKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);

        public static void Run(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);

        public static void Run(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);

        public static T Run(T x, T y) => x / y;
    }

    /// <summary><c>x ^ y</c>.</summary>
    public readonly struct Pow<T> : IBinaryKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);

        public static void Run(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);

        public static void Run(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);

        public static T Run(T x, T y) => T.Pow(x, y);
    }

    /// <summary><c>x</c>, broadcast: copies the first operand to the result's shape (the second is ignored).</summary>
    public readonly struct First<T> : IBinaryKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => x[..destination.Length].CopyTo(destination);

        public static void Run(ReadOnlySpan<T> x, T y, Span<T> destination) => x[..destination.Length].CopyTo(destination);

        public static void Run(T x, ReadOnlySpan<T> y, Span<T> destination) => destination.Fill(x);

        public static T Run(T x, T y) => x;
    }

    /// <summary>LeakyReLU: <c>x &gt; 0 ? x : p·x</c>.</summary>
    public readonly struct LeakyRelu<T> : IMapKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> x, Vector<T> p) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, x * p);

        public static T Run(T x, T p) => x > T.Zero ? x : x * p;
    }

    /// <summary>ReLU's backward term: <c>a &gt; 0 ? b : 0</c> (a the input, b the upstream gradient).</summary>
    public readonly struct ReluGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<T>.Zero), b, Vector<T>.Zero);

        public static T Run(T a, T b, T p) => a > T.Zero ? b : T.Zero;
    }

    /// <summary>LeakyReLU's backward term: <c>a &gt; 0 ? b : p·b</c>.</summary>
    public readonly struct LeakyReluGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<T>.Zero), b, b * p);

        public static T Run(T a, T b, T p) => a > T.Zero ? b : b * p;
    }

    /// <summary>Sigmoid's backward term: <c>b·a·(1 − a)</c> (a the result).</summary>
    public readonly struct SigmoidGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => b * a * (Vector<T>.One - a);

        public static T Run(T a, T b, T p) => b * a * (T.One - a);
    }

    /// <summary>Tanh's backward term: <c>b·(1 − a²)</c> (a the result).</summary>
    public readonly struct TanhGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => b * (Vector<T>.One - (a * a));

        public static T Run(T a, T b, T p) => b * (T.One - (a * a));
    }

    /// <summary><c>p·b / a</c>: Log's backward (p = 1) and Sqrt's (a the result, p = 1/2).</summary>
    public readonly struct ScaledQuotient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => p * b / a;

        public static T Run(T a, T b, T p) => p * b / a;
    }

    /// <summary>Abs's backward term: <c>b·sign(a)</c>, with sign(0) = 0.</summary>
    public readonly struct AbsGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) =>
            Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<T>.Zero), b, Vector.ConditionalSelect(Vector.LessThan(a, Vector<T>.Zero), -b, Vector<T>.Zero));

        public static T Run(T a, T b, T p) => a > T.Zero ? b : a < T.Zero ? -b : T.Zero;
    }

    /// <summary>Softmax's backward term along a run: <c>a·(b − p)</c> (a the result, b the upstream gradient, p = Σ a·b).</summary>
    public readonly struct SoftmaxGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => a * (b - p);

        public static T Run(T a, T b, T p) => a * (b - p);
    }

    /// <summary>LogSoftmax's backward term along a run: <c>b − a·p</c> (a = exp(result), b the upstream gradient, p = Σ b).</summary>
    public readonly struct LogSoftmaxGradient<T> : IAccumulateKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Run(Vector<T> a, Vector<T> b, Vector<T> p) => b - (a * p);

        public static T Run(T a, T b, T p) => b - (a * p);
    }
}
