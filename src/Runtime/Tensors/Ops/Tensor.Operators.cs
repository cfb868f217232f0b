using System.ComponentModel;

namespace DiffGen;

// Arithmetic operators: element-wise with NumPy broadcasting, scalars on either side. Each forwards to the function of
// TensorMath with the same meaning, and each has its own backward rule (named after the operator's metadata name).
public sealed partial class Tensor
{
    /// <summary>Element-wise sum <c>a + b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Add(Tensor, Tensor)"/>.</returns>
    public static Tensor operator +(Tensor a, Tensor b) => TensorMath.Add(a, b);

    /// <summary>The backward rule of <c>operator +(Tensor, Tensor)</c>: the rule of <see cref="TensorMath.Add(Tensor, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Addition")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AdditionBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        TensorMath.AddBackward(gradient, result, a, b, da, db);

    /// <summary>Element-wise sum of a tensor and a scalar: <c>a + b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Add(Tensor, double)"/>.</returns>
    public static Tensor operator +(Tensor a, double b) => TensorMath.Add(a, b);

    /// <summary>The backward rule of <c>operator +(Tensor, double)</c>: the rule of <see cref="TensorMath.Add(Tensor, double)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf("op_Addition")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AdditionBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db) =>
        TensorMath.AddBackward(gradient, result, a, b, da, ref db);

    /// <summary>Element-wise sum of a scalar and a tensor: <c>a + b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Add(double, Tensor)"/>.</returns>
    public static Tensor operator +(double a, Tensor b) => TensorMath.Add(a, b);

    /// <summary>The backward rule of <c>operator +(double, Tensor)</c>: the rule of <see cref="TensorMath.Add(double, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Addition")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AdditionBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db) =>
        TensorMath.AddBackward(gradient, result, a, b, ref da, db);

    /// <summary>Element-wise difference <c>a - b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Subtract(Tensor, Tensor)"/>.</returns>
    public static Tensor operator -(Tensor a, Tensor b) => TensorMath.Subtract(a, b);

    /// <summary>The backward rule of <c>operator -(Tensor, Tensor)</c>: the rule of <see cref="TensorMath.Subtract(Tensor, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Subtraction")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SubtractionBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        TensorMath.SubtractBackward(gradient, result, a, b, da, db);

    /// <summary>Element-wise difference of a tensor and a scalar: <c>a - b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Subtract(Tensor, double)"/>.</returns>
    public static Tensor operator -(Tensor a, double b) => TensorMath.Subtract(a, b);

    /// <summary>The backward rule of <c>operator -(Tensor, double)</c>: the rule of <see cref="TensorMath.Subtract(Tensor, double)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf("op_Subtraction")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SubtractionBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db) =>
        TensorMath.SubtractBackward(gradient, result, a, b, da, ref db);

    /// <summary>Element-wise difference of a scalar and a tensor: <c>a - b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Subtract(double, Tensor)"/>.</returns>
    public static Tensor operator -(double a, Tensor b) => TensorMath.Subtract(a, b);

    /// <summary>The backward rule of <c>operator -(double, Tensor)</c>: the rule of <see cref="TensorMath.Subtract(double, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Subtraction")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SubtractionBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db) =>
        TensorMath.SubtractBackward(gradient, result, a, b, ref da, db);

    /// <summary>Element-wise product <c>a * b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Multiply(Tensor, Tensor)"/>.</returns>
    public static Tensor operator *(Tensor a, Tensor b) => TensorMath.Multiply(a, b);

    /// <summary>The backward rule of <c>operator *(Tensor, Tensor)</c>: the rule of <see cref="TensorMath.Multiply(Tensor, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Multiply")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MultiplyBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        TensorMath.MultiplyBackward(gradient, result, a, b, da, db);

    /// <summary>Element-wise product of a tensor and a scalar: <c>a * b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Multiply(Tensor, double)"/>.</returns>
    public static Tensor operator *(Tensor a, double b) => TensorMath.Multiply(a, b);

    /// <summary>The backward rule of <c>operator *(Tensor, double)</c>: the rule of <see cref="TensorMath.Multiply(Tensor, double)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf("op_Multiply")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MultiplyBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db) =>
        TensorMath.MultiplyBackward(gradient, result, a, b, da, ref db);

    /// <summary>Element-wise product of a scalar and a tensor: <c>a * b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Multiply(double, Tensor)"/>.</returns>
    public static Tensor operator *(double a, Tensor b) => TensorMath.Multiply(a, b);

    /// <summary>The backward rule of <c>operator *(double, Tensor)</c>: the rule of <see cref="TensorMath.Multiply(double, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Multiply")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MultiplyBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db) =>
        TensorMath.MultiplyBackward(gradient, result, a, b, ref da, db);

    /// <summary>Element-wise quotient <c>a / b</c>, with NumPy broadcasting.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Divide(Tensor, Tensor)"/>.</returns>
    public static Tensor operator /(Tensor a, Tensor b) => TensorMath.Divide(a, b);

    /// <summary>The backward rule of <c>operator /(Tensor, Tensor)</c>: the rule of <see cref="TensorMath.Divide(Tensor, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Division")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void DivisionBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        TensorMath.DivideBackward(gradient, result, a, b, da, db);

    /// <summary>Element-wise quotient of a tensor and a scalar: <c>a / b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Divide(Tensor, double)"/>.</returns>
    public static Tensor operator /(Tensor a, double b) => TensorMath.Divide(a, b);

    /// <summary>The backward rule of <c>operator /(Tensor, double)</c>: the rule of <see cref="TensorMath.Divide(Tensor, double)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into.</param>
    [DerivativeOf("op_Division")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void DivisionBackward(Tensor gradient, Tensor result, Tensor a, double b, Tensor? da, ref double db) =>
        TensorMath.DivideBackward(gradient, result, a, b, da, ref db);

    /// <summary>Element-wise quotient of a scalar and a tensor: <c>a / b</c>.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The result; see <see cref="TensorMath.Divide(double, Tensor)"/>.</returns>
    public static Tensor operator /(double a, Tensor b) => TensorMath.Divide(a, b);

    /// <summary>The backward rule of <c>operator /(double, Tensor)</c>: the rule of <see cref="TensorMath.Divide(double, Tensor)"/>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_Division")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void DivisionBackward(Tensor gradient, Tensor result, double a, Tensor b, ref double da, Tensor? db) =>
        TensorMath.DivideBackward(gradient, result, a, b, ref da, db);

    /// <summary>Element-wise negation <c>-x</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor operator -(Tensor x) => TensorMath.Negate(x);

    /// <summary>The backward rule of unary <c>operator -</c>: <c>dx -= g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operator.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf("op_UnaryNegation")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void UnaryNegationBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx) =>
        TensorMath.NegateBackward(gradient, result, x, dx);

    /// <summary>The matrix product of this tensor and <paramref name="other"/>: <see cref="TensorMath.MatMul"/>(this, other).</summary>
    /// <param name="other">The right operand.</param>
    /// <returns>The product; see <see cref="TensorMath.MatMul"/> for the shapes accepted.</returns>
    /// <example>
    /// <code>
    /// Tensor logits = x.MatMul(w) + b;   // x [batch, in], w [in, out], b [out]
    /// </code>
    /// </example>
    public Tensor MatMul(Tensor other) => TensorMath.MatMul(this, other);

    /// <summary>The backward rule of <see cref="MatMul"/>: the rule of <see cref="TensorMath.MatMul"/>, with the receiver as the left operand.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the product.</param>
    /// <param name="self">The left operand (the receiver).</param>
    /// <param name="other">The right operand.</param>
    /// <param name="dself">The gradient of <paramref name="self"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dother">The gradient of <paramref name="other"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(MatMul))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MatMulBackward(Tensor gradient, Tensor result, Tensor self, Tensor other, Tensor? dself, Tensor? dother) =>
        TensorMath.MatMulBackward(gradient, result, self, other, dself, dother);
}
