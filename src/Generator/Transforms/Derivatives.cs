using System;
using DiffGen.Generator.Model;
using static DiffGen.Generator.Transforms.Build;

namespace DiffGen.Generator.Transforms;

/// <summary>
/// The derivative rules of the math intrinsics: the partial derivative of <c>f(x1, ..., xn)</c> with respect to each
/// argument, as IR over the argument values and, where cheaper, the result <c>r = f(...)</c>. Rules follow the
/// conventions of PyTorch's autograd where a function has a kink (<c>Abs</c>: 0 at 0; <c>Pow</c> with a zero base).
/// <c>Min</c>, <c>Max</c> and <c>Clamp</c> route the whole derivative to one argument and are handled by the reverse
/// transform with branches.
/// </summary>
internal static class Derivatives
{
    /// <summary>Whether a rule is cheaper written with the result than recomputed from the arguments.</summary>
    public static bool UsesResult(IntrinsicKind kind) =>
        kind is IntrinsicKind.Exp or IntrinsicKind.Sqrt or IntrinsicKind.Cbrt or IntrinsicKind.Tanh or IntrinsicKind.Tan
            or IntrinsicKind.Pow or IntrinsicKind.Hypot or IntrinsicKind.LogBase;

    /// <summary>
    /// Whether the rules this call needs read its result: <c>Pow</c> and <c>Log(x, b)</c> only when the exponent or
    /// base carries a derivative (see <see cref="UsesResult(IntrinsicKind)"/>).
    /// </summary>
    public static bool UsesResult(Intrinsic call, System.Func<Expr, bool> isActive) => call.Kind switch
    {
        IntrinsicKind.Pow or IntrinsicKind.LogBase => isActive(call.Args[1]),
        _ => UsesResult(call.Kind),
    };

    /// <summary>The partial derivatives, one per argument (null where the argument carries no derivative).</summary>
    /// <param name="call">The call, with its arguments.</param>
    /// <param name="result">An expression for the call's value (a variable holding it, where the rule reads it).</param>
    public static Expr?[] Partials(Intrinsic call, Expr result)
    {
        var t = call.Type;
        string o = call.Owner;
        var args = call.Args;
        var x = args[0];
        Expr One() => Real(t, 1);

        switch (call.Kind)
        {
            case IntrinsicKind.Sin:
                return [Build.Call(IntrinsicKind.Cos, o, t, x)];
            case IntrinsicKind.Cos:
                return [Neg(Build.Call(IntrinsicKind.Sin, o, t, x))];
            case IntrinsicKind.Tan:
                return [Add(One(), Square(result))];
            case IntrinsicKind.Asin:
                return [Div(One(), Build.Call(IntrinsicKind.Sqrt, o, t, Sub(One(), Square(x))))];
            case IntrinsicKind.Acos:
                return [Neg(Div(One(), Build.Call(IntrinsicKind.Sqrt, o, t, Sub(One(), Square(x)))))];
            case IntrinsicKind.Atan:
                return [Div(One(), Add(One(), Square(x)))];
            case IntrinsicKind.Atan2:
            {
                // atan2(y, x): d/dy = x / (x² + y²), d/dx = -y / (x² + y²)
                var y = args[0];
                var xx = args[1];
                var denominator = Add(Square(xx), Square(y));
                return [Div(xx, denominator), Neg(Div(y, denominator))];
            }

            case IntrinsicKind.Sinh:
                return [Build.Call(IntrinsicKind.Cosh, o, t, x)];
            case IntrinsicKind.Cosh:
                return [Build.Call(IntrinsicKind.Sinh, o, t, x)];
            case IntrinsicKind.Tanh:
                return [Sub(One(), Square(result))];
            case IntrinsicKind.Exp:
                return [result];
            case IntrinsicKind.Log:
                return [Div(One(), x)];
            case IntrinsicKind.LogBase:
            {
                // log_b(x) = ln x / ln b: d/dx = 1 / (x ln b), d/db = -log_b(x) / (b ln b)
                var b = args[1];
                var lnB = Build.Call(IntrinsicKind.Log, o, t, b);
                return [Div(One(), Mul(x, lnB)), Neg(Div(result, Mul(b, lnB)))];
            }

            case IntrinsicKind.Log10:
                return [Div(One(), Mul(x, Real(t, Math.Log(10))))];
            case IntrinsicKind.Log2:
                return [Div(One(), Mul(x, Real(t, Math.Log(2))))];
            case IntrinsicKind.Sqrt:
                return [Div(Real(t, 0.5), result)];
            case IntrinsicKind.Cbrt:
                return [Div(One(), Mul(Real(t, 3), Square(result)))];
            case IntrinsicKind.Pow:
                return PowPartials(call, result);
            case IntrinsicKind.Abs:
                // The sign of x, with 0 at 0 (PyTorch's choice for the kink).
                return [Cond(Compare(BinaryOp.Greater, x, Real(t, 0)), One(), Cond(Compare(BinaryOp.Less, x, Real(t, 0)), Real(t, -1), Real(t, 0)))];
            case IntrinsicKind.FusedMultiplyAdd:
                return [args[1], args[0], One()];
            case IntrinsicKind.Hypot:
            {
                // r = sqrt(x² + y²): d/dx = x / r, d/dy = y / r, and 0 at the origin.
                var zero = Compare(BinaryOp.Equal, result, Real(t, 0));
                return [Cond(zero, Real(t, 0), Div(args[0], result)), Cond(zero, Real(t, 0), Div(args[1], result))];
            }

            default:
                return new Expr?[args.Count];
        }
    }

    private static Expr?[] PowPartials(Intrinsic call, Expr result)
    {
        var t = call.Type;
        var a = call.Args[0];
        var b = call.Args[1];
        Expr baseRule;
        double? exponent = Lowering.Literals.Value(b);
        if (exponent is double e)
        {
            // A constant exponent: e·a^(e-1), spelled out for the small integer powers people write.
            baseRule = e switch
            {
                0 => Real(t, 0),
                1 => Real(t, 1),
                2 => Mul(Real(t, 2), a),
                3 => Mul(Real(t, 3), Square(a)),
                _ => Mul(Real(t, e), Build.Call(IntrinsicKind.Pow, call.Owner, t, a, Real(t, e - 1))),
            };
        }
        else
        {
            // b·a^(b-1), and 0 where b = 0 (a^0 is constant even at a = 0).
            baseRule = Cond(
                Compare(BinaryOp.Equal, b, Real(t, 0)),
                Real(t, 0),
                Mul(b, Build.Call(IntrinsicKind.Pow, call.Owner, t, a, Sub(b, Real(t, 1)))));
        }

        // d/db a^b = a^b·ln a, and 0 where a = 0 and b >= 0 (PyTorch's convention).
        var exponentRule = Cond(
            Compare(BinaryOp.AndAlso, Compare(BinaryOp.Equal, a, Real(t, 0)), Compare(BinaryOp.GreaterOrEqual, b, Real(t, 0))),
            Real(t, 0),
            Mul(result, Build.Call(IntrinsicKind.Log, call.Owner, t, a)));
        return [baseRule, exponentRule];
    }
}
