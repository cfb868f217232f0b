using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

// Element-wise + - * / with NumPy broadcasting, scalar operands on either side, and negation.
public static partial class TensorMath
{
    /// <summary>Element-wise sum <c>a + b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Add(Tensor a, Tensor b) =>
        Broadcast<ElementKernels.Add<float>, ElementKernels.Add<double>>(nameof(Add), a, b);

    /// <summary>The backward rule of <see cref="Add(Tensor, Tensor)"/>: <c>da += g</c>, <c>db += g</c>, each summed over the dimensions it was broadcast along.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Add))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        CheckBinaryBackward(nameof(Add), gradient, result, a, b, da, db);
        AccumulateReduced(gradient, da, subtract: false);
        AccumulateReduced(gradient, db, subtract: false);
    }

    /// <summary>Element-wise difference <c>a - b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Subtract(Tensor a, Tensor b) =>
        Broadcast<ElementKernels.Subtract<float>, ElementKernels.Subtract<double>>(nameof(Subtract), a, b);

    /// <summary>The backward rule of <see cref="Subtract(Tensor, Tensor)"/>: <c>da += g</c>, <c>db -= g</c>, summed over broadcast dimensions.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Subtract))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SubtractBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        CheckBinaryBackward(nameof(Subtract), gradient, result, a, b, da, db);
        AccumulateReduced(gradient, da, subtract: false);
        AccumulateReduced(gradient, db, subtract: true);
    }

    /// <summary>Element-wise product <c>a * b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Multiply(Tensor a, Tensor b) =>
        Broadcast<ElementKernels.Multiply<float>, ElementKernels.Multiply<double>>(nameof(Multiply), a, b);

    /// <summary>The backward rule of <see cref="Multiply(Tensor, Tensor)"/>: <c>da += g·b</c>, <c>db += g·a</c>, summed over broadcast dimensions.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Multiply))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MultiplyBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        CheckBinaryBackward(nameof(Multiply), gradient, result, a, b, da, db);
        if (IsFloat32(gradient))
        {
            MultiplyBackwardCore<float>(gradient, b, da);
            MultiplyBackwardCore<float>(gradient, a, db);
        }
        else
        {
            MultiplyBackwardCore<double>(gradient, b, da);
            MultiplyBackwardCore<double>(gradient, a, db);
        }
    }

    /// <summary>Element-wise quotient <c>a / b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Divide(Tensor a, Tensor b) =>
        Broadcast<ElementKernels.Divide<float>, ElementKernels.Divide<double>>(nameof(Divide), a, b);

    /// <summary>The backward rule of <see cref="Divide(Tensor, Tensor)"/>: <c>da += g / b</c>, <c>db -= g·a / b²</c>, summed over broadcast dimensions.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Divide))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void DivideBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        CheckBinaryBackward(nameof(Divide), gradient, result, a, b, da, db);
        if (da is null && db is null)
        {
            return;
        }

        // t = g / b (result-shaped); da += t; db -= t·result = g·a / b².
        var t = Tensor.Empty(gradient.DType, gradient.Shape);
        if (IsFloat32(gradient))
        {
            Broadcasting.Apply<float, ElementKernels.Divide<float>>(gradient.Floats, gradient.Shape, b.Floats, b.Shape, t.Floats, t.Shape);
            AccumulateReduced(t, da, subtract: false);
            if (db is not null)
            {
                TensorPrimitives.Multiply(t.Floats, result.Floats, t.Floats);
            }
        }
        else
        {
            Broadcasting.Apply<double, ElementKernels.Divide<double>>(gradient.Doubles, gradient.Shape, b.Doubles, b.Shape, t.Doubles, t.Shape);
            AccumulateReduced(t, da, subtract: false);
            if (db is not null)
            {
                TensorPrimitives.Multiply(t.Doubles, result.Doubles, t.Doubles);
            }
        }

        AccumulateReduced(t, db, subtract: true);
    }

    /// <summary>Adds a scalar to every element: <c>a + b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Add(Tensor a, double b) =>
        ScalarRight<ElementKernels.Add<float>, ElementKernels.Add<double>>(a, b);

    /// <summary>The backward rule of <see cref="Add(Tensor, double)"/>: <c>da += g</c>, <c>db += Σg</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf(nameof(Add))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db)
    {
        CheckUnaryBackward(nameof(Add), gradient, result, a, da);
        AccumulateReduced(gradient, da, subtract: false);
        db += SumOf(gradient);
    }

    /// <summary>Adds a tensor to a scalar: <c>a + b</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Add(double a, Tensor b) =>
        ScalarLeft<ElementKernels.Add<float>, ElementKernels.Add<double>>(a, b);

    /// <summary>The backward rule of <see cref="Add(double, Tensor)"/>: <c>da += Σg</c>, <c>db += g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Add))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db)
    {
        CheckUnaryBackward(nameof(Add), gradient, result, b, db);
        da += SumOf(gradient);
        AccumulateReduced(gradient, db, subtract: false);
    }

    /// <summary>Subtracts a scalar from every element: <c>a - b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Subtract(Tensor a, double b) =>
        ScalarRight<ElementKernels.Subtract<float>, ElementKernels.Subtract<double>>(a, b);

    /// <summary>The backward rule of <see cref="Subtract(Tensor, double)"/>: <c>da += g</c>, <c>db -= Σg</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf(nameof(Subtract))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SubtractBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db)
    {
        CheckUnaryBackward(nameof(Subtract), gradient, result, a, da);
        AccumulateReduced(gradient, da, subtract: false);
        db -= SumOf(gradient);
    }

    /// <summary>Subtracts every element from a scalar: <c>a - b</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Subtract(double a, Tensor b) =>
        ScalarLeft<ElementKernels.Subtract<float>, ElementKernels.Subtract<double>>(a, b);

    /// <summary>The backward rule of <see cref="Subtract(double, Tensor)"/>: <c>da += Σg</c>, <c>db -= g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Subtract))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SubtractBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db)
    {
        CheckUnaryBackward(nameof(Subtract), gradient, result, b, db);
        da += SumOf(gradient);
        AccumulateReduced(gradient, db, subtract: true);
    }

    /// <summary>Multiplies every element by a scalar: <c>a * b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Multiply(Tensor a, double b) =>
        ScalarRight<ElementKernels.Multiply<float>, ElementKernels.Multiply<double>>(a, b);

    /// <summary>The backward rule of <see cref="Multiply(Tensor, double)"/>: <c>da += g·b</c>, <c>db += Σ g·a</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf(nameof(Multiply))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MultiplyBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db)
    {
        CheckUnaryBackward(nameof(Multiply), gradient, result, a, da);
        AddScaled(gradient, b, da);
        db += DotOf(gradient, a);
    }

    /// <summary>Multiplies a scalar by every element: <c>a * b</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Multiply(double a, Tensor b) =>
        ScalarLeft<ElementKernels.Multiply<float>, ElementKernels.Multiply<double>>(a, b);

    /// <summary>The backward rule of <see cref="Multiply(double, Tensor)"/>: <c>da += Σ g·b</c>, <c>db += g·a</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Multiply))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MultiplyBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db)
    {
        CheckUnaryBackward(nameof(Multiply), gradient, result, b, db);
        da += DotOf(gradient, b);
        AddScaled(gradient, a, db);
    }

    /// <summary>Divides every element by a scalar: <c>a / b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar divisor.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Divide(Tensor a, double b) =>
        ScalarRight<ElementKernels.Divide<float>, ElementKernels.Divide<double>>(a, b);

    /// <summary>The backward rule of <see cref="Divide(Tensor, double)"/>: <c>da += g / b</c>, <c>db -= Σ g·a / b²</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar divisor.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf(nameof(Divide))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void DivideBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db)
    {
        CheckUnaryBackward(nameof(Divide), gradient, result, a, da);
        AddScaled(gradient, 1 / b, da);
        db -= DotOf(gradient, result) / b;
    }

    /// <summary>Divides a scalar by every element: <c>a / b</c>.</summary>
    /// <param name="a">The scalar dividend.</param>
    /// <param name="b">The tensor of divisors.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Divide(double a, Tensor b) =>
        ScalarLeft<ElementKernels.Divide<float>, ElementKernels.Divide<double>>(a, b);

    /// <summary>The backward rule of <see cref="Divide(double, Tensor)"/>: <c>da += Σ g / b</c>, <c>db -= g·a / b²</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The scalar dividend.</param>
    /// <param name="b">The tensor of divisors.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Divide))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void DivideBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db)
    {
        CheckUnaryBackward(nameof(Divide), gradient, result, b, db);

        // t = g / b; da += Σ t; db -= t·result = g·a / b².
        var t = Tensor.Empty(gradient.DType, gradient.Shape);
        if (IsFloat32(gradient))
        {
            TensorPrimitives.Divide(gradient.Floats, b.Floats, t.Floats);
            da += TensorPrimitives.Sum<float>(t.Floats);
            if (db is not null)
            {
                TensorPrimitives.Multiply(t.Floats, result.Floats, t.Floats);
                TensorPrimitives.Subtract(db.Floats, t.Floats, db.Floats);
            }
        }
        else
        {
            TensorPrimitives.Divide(gradient.Doubles, b.Doubles, t.Doubles);
            da += TensorPrimitives.Sum<double>(t.Doubles);
            if (db is not null)
            {
                TensorPrimitives.Multiply(t.Doubles, result.Doubles, t.Doubles);
                TensorPrimitives.Subtract(db.Doubles, t.Doubles, db.Doubles);
            }
        }
    }

    /// <summary>Element-wise negation <c>-x</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor Negate(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = Tensor.Empty(x.DType, x.Shape);
        if (IsFloat32(x))
        {
            TensorPrimitives.Negate(x.Floats, result.Floats);
        }
        else
        {
            TensorPrimitives.Negate(x.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Negate"/>: <c>dx -= g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Negate))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void NegateBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        CheckUnaryBackward(nameof(Negate), gradient, result, x, dx);
        AccumulateReduced(gradient, dx, subtract: true);
    }

    private static bool IsFloat32(Tensor x) => x.DType == DType.Float32;

    /// <summary>The broadcasting element-wise operation K on two tensors.</summary>
    private static Tensor Broadcast<TFloat, TDouble>(string operation, Tensor a, Tensor b)
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
    private static Tensor ScalarRight<TFloat, TDouble>(Tensor a, double b)
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
    private static Tensor ScalarLeft<TFloat, TDouble>(double a, Tensor b)
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

    /// <summary>Checks the arguments of a rule for a binary broadcasting operation.</summary>
    private static void CheckBinaryBackward(string operation, Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        OpChecks.Upstream(operation, gradient, result);
        OpChecks.SameDType(operation, a, gradient);
        OpChecks.SameDType(operation, b, gradient);
        OpChecks.Gradient(operation, nameof(da), a, da);
        OpChecks.Gradient(operation, nameof(db), b, db);
        if (!Broadcasting.BroadcastsTo(a.Shape, result.Shape) || !Broadcasting.BroadcastsTo(b.Shape, result.Shape))
        {
            throw new ArgumentException($"{operation}: operands {a.ShapeText()} and {b.ShapeText()} do not broadcast to the result {result.ShapeText()}.");
        }
    }

    /// <summary>Checks the arguments of a rule whose one tensor input has the result's shape and element type.</summary>
    private static void CheckUnaryBackward(string operation, Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        ArgumentNullException.ThrowIfNull(x);
        OpChecks.Upstream(operation, gradient, result);
        OpChecks.SameDType(operation, x, gradient);
        OpChecks.SameShape(operation, x, result, "the input and the result differ in shape");
        OpChecks.Gradient(operation, nameof(dx), x, dx);
    }

    /// <summary><c>target += source</c> summed over the dimensions along which target was broadcast; nothing when target is null.</summary>
    private static void AccumulateReduced(Tensor source, Tensor? target, bool subtract)
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
    private static void AddScaled(Tensor source, double scale, Tensor? target)
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
    private static double SumOf(Tensor x) => IsFloat32(x) ? TensorPrimitives.Sum<float>(x.Floats) : TensorPrimitives.Sum<double>(x.Doubles);

    /// <summary>Σ x·y over same-shaped tensors, as a double.</summary>
    private static double DotOf(Tensor x, Tensor y) =>
        IsFloat32(x) ? TensorPrimitives.Dot<float>(x.Floats, y.Floats) : TensorPrimitives.Dot<double>(x.Doubles, y.Doubles);

    /// <summary>target += reduce(g · other) for one operand of a broadcasting product.</summary>
    private static void MultiplyBackwardCore<T>(Tensor gradient, Tensor other, Tensor? target)
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
}
