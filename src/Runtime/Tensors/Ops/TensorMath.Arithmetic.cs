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
        ElementwiseOps.Broadcast<ElementKernels.Add<float>, ElementKernels.Add<double>>(nameof(Add), a, b);

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
        OpChecks.BinaryBackward(nameof(Add), gradient, result, a, b, da, db);
        ElementwiseOps.AccumulateReduced(gradient, da, subtract: false);
        ElementwiseOps.AccumulateReduced(gradient, db, subtract: false);
    }

    /// <summary>Element-wise difference <c>a - b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Subtract(Tensor a, Tensor b) =>
        ElementwiseOps.Broadcast<ElementKernels.Subtract<float>, ElementKernels.Subtract<double>>(nameof(Subtract), a, b);

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
        OpChecks.BinaryBackward(nameof(Subtract), gradient, result, a, b, da, db);
        ElementwiseOps.AccumulateReduced(gradient, da, subtract: false);
        ElementwiseOps.AccumulateReduced(gradient, db, subtract: true);
    }

    /// <summary>Element-wise product <c>a * b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Multiply(Tensor a, Tensor b) =>
        ElementwiseOps.Broadcast<ElementKernels.Multiply<float>, ElementKernels.Multiply<double>>(nameof(Multiply), a, b);

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
        OpChecks.BinaryBackward(nameof(Multiply), gradient, result, a, b, da, db);
        if (ElementwiseOps.IsFloat32(gradient))
        {
            ElementwiseOps.MultiplyBackwardCore<float>(gradient, b, da);
            ElementwiseOps.MultiplyBackwardCore<float>(gradient, a, db);
        }
        else
        {
            ElementwiseOps.MultiplyBackwardCore<double>(gradient, b, da);
            ElementwiseOps.MultiplyBackwardCore<double>(gradient, a, db);
        }
    }

    /// <summary>Element-wise quotient <c>a / b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Divide(Tensor a, Tensor b) =>
        ElementwiseOps.Broadcast<ElementKernels.Divide<float>, ElementKernels.Divide<double>>(nameof(Divide), a, b);

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
        OpChecks.BinaryBackward(nameof(Divide), gradient, result, a, b, da, db);
        if (da is null && db is null)
        {
            return;
        }

        // t = g / b (result-shaped); da += t; db -= t·result = g·a / b².
        var t = Tensor.Empty(gradient.DType, gradient.Shape);
        if (ElementwiseOps.IsFloat32(gradient))
        {
            Broadcasting.Apply<float, ElementKernels.Divide<float>>(gradient.Floats, gradient.Shape, b.Floats, b.Shape, t.Floats, t.Shape);
            ElementwiseOps.AccumulateReduced(t, da, subtract: false);
            if (db is not null)
            {
                TensorPrimitives.Multiply(t.Floats, result.Floats, t.Floats);
            }
        }
        else
        {
            Broadcasting.Apply<double, ElementKernels.Divide<double>>(gradient.Doubles, gradient.Shape, b.Doubles, b.Shape, t.Doubles, t.Shape);
            ElementwiseOps.AccumulateReduced(t, da, subtract: false);
            if (db is not null)
            {
                TensorPrimitives.Multiply(t.Doubles, result.Doubles, t.Doubles);
            }
        }

        ElementwiseOps.AccumulateReduced(t, db, subtract: true);
    }

    /// <summary>Adds a scalar to every element: <c>a + b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Add(Tensor a, double b) =>
        ElementwiseOps.ScalarRight<ElementKernels.Add<float>, ElementKernels.Add<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Add), gradient, result, a, da);
        ElementwiseOps.AccumulateReduced(gradient, da, subtract: false);
        db += ElementwiseOps.SumOf(gradient);
    }

    /// <summary>Adds a tensor to a scalar: <c>a + b</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Add(double a, Tensor b) =>
        ElementwiseOps.ScalarLeft<ElementKernels.Add<float>, ElementKernels.Add<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Add), gradient, result, b, db);
        da += ElementwiseOps.SumOf(gradient);
        ElementwiseOps.AccumulateReduced(gradient, db, subtract: false);
    }

    /// <summary>Subtracts a scalar from every element: <c>a - b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Subtract(Tensor a, double b) =>
        ElementwiseOps.ScalarRight<ElementKernels.Subtract<float>, ElementKernels.Subtract<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Subtract), gradient, result, a, da);
        ElementwiseOps.AccumulateReduced(gradient, da, subtract: false);
        db -= ElementwiseOps.SumOf(gradient);
    }

    /// <summary>Subtracts every element from a scalar: <c>a - b</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Subtract(double a, Tensor b) =>
        ElementwiseOps.ScalarLeft<ElementKernels.Subtract<float>, ElementKernels.Subtract<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Subtract), gradient, result, b, db);
        da += ElementwiseOps.SumOf(gradient);
        ElementwiseOps.AccumulateReduced(gradient, db, subtract: true);
    }

    /// <summary>Multiplies every element by a scalar: <c>a * b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Multiply(Tensor a, double b) =>
        ElementwiseOps.ScalarRight<ElementKernels.Multiply<float>, ElementKernels.Multiply<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Multiply), gradient, result, a, da);
        ElementwiseOps.AddScaled(gradient, b, da);
        db += ElementwiseOps.DotOf(gradient, a);
    }

    /// <summary>Multiplies a scalar by every element: <c>a * b</c>.</summary>
    /// <param name="a">The scalar.</param>
    /// <param name="b">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Multiply(double a, Tensor b) =>
        ElementwiseOps.ScalarLeft<ElementKernels.Multiply<float>, ElementKernels.Multiply<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Multiply), gradient, result, b, db);
        da += ElementwiseOps.DotOf(gradient, b);
        ElementwiseOps.AddScaled(gradient, a, db);
    }

    /// <summary>Divides every element by a scalar: <c>a / b</c>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="b">The scalar divisor.</param>
    /// <returns>A tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Divide(Tensor a, double b) =>
        ElementwiseOps.ScalarRight<ElementKernels.Divide<float>, ElementKernels.Divide<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Divide), gradient, result, a, da);
        ElementwiseOps.AddScaled(gradient, 1 / b, da);
        db -= ElementwiseOps.DotOf(gradient, result) / b;
    }

    /// <summary>Divides a scalar by every element: <c>a / b</c>.</summary>
    /// <param name="a">The scalar dividend.</param>
    /// <param name="b">The tensor of divisors.</param>
    /// <returns>A tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Divide(double a, Tensor b) =>
        ElementwiseOps.ScalarLeft<ElementKernels.Divide<float>, ElementKernels.Divide<double>>(a, b);

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
        OpChecks.UnaryBackward(nameof(Divide), gradient, result, b, db);

        // t = g / b; da += Σ t; db -= t·result = g·a / b².
        var t = Tensor.Empty(gradient.DType, gradient.Shape);
        if (ElementwiseOps.IsFloat32(gradient))
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
    public static unsafe Tensor Negate(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Negate, &TensorPrimitives.Negate);

    /// <summary>The backward rule of <see cref="Negate"/>: <c>dx -= g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Negate))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void NegateBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Negate), gradient, result, x, dx);
        ElementwiseOps.AccumulateReduced(gradient, dx, subtract: true);
    }
}
