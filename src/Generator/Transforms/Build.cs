using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Transforms;

/// <summary>Builds IR expressions for derivative code, folding the trivial cases (<c>1 * x</c>, <c>-(-x)</c>).</summary>
internal static class Build
{
    public static Literal Real(TypeRef type, double value) => Literals.Real(type, value);

    public static bool IsOne(Expr e) => Literals.Value(e) is 1.0;

    public static bool IsMinusOne(Expr e) => Literals.Value(e) is -1.0;

    public static Expr Mul(Expr a, Expr b)
    {
        if (IsOne(a))
        {
            return b;
        }

        if (IsOne(b))
        {
            return a;
        }

        if (IsMinusOne(a))
        {
            return Neg(b);
        }

        if (IsMinusOne(b))
        {
            return Neg(a);
        }

        if (a is Unary { Op: UnaryOp.Negate } na)
        {
            return Neg(Mul(na.Operand, b));
        }

        if (b is Unary { Op: UnaryOp.Negate } nb)
        {
            return Neg(Mul(a, nb.Operand));
        }

        // a * (1 / d) reads better, and rounds once less, as a / d.
        if (b is Binary { Op: BinaryOp.Divide } quotient && IsOne(quotient.Left))
        {
            return Div(a, quotient.Right);
        }

        return new Binary(BinaryOp.Multiply, a, b, a.Type);
    }

    public static Expr Div(Expr a, Expr b)
    {
        if (IsOne(b))
        {
            return a;
        }

        if (a is Unary { Op: UnaryOp.Negate } na)
        {
            return Neg(Div(na.Operand, b));
        }

        return new Binary(BinaryOp.Divide, a, b, a.Type);
    }

    public static Expr Add(Expr a, Expr b) => new Binary(BinaryOp.Add, a, b, a.Type);

    public static Expr Sub(Expr a, Expr b) => new Binary(BinaryOp.Subtract, a, b, a.Type);

    public static Expr Neg(Expr a)
    {
        if (a is Unary { Op: UnaryOp.Negate } n)
        {
            return n.Operand;
        }

        if (Literals.Value(a) is double v && a.Type.IsReal)
        {
            return Real(a.Type, -v);
        }

        return new Unary(UnaryOp.Negate, a, a.Type);
    }

    public static Expr Square(Expr a) => new Binary(BinaryOp.Multiply, a, a, a.Type);

    public static Expr Call(IntrinsicKind kind, string owner, TypeRef type, params Expr[] args) =>
        new Intrinsic(kind, owner, new EquatableArray<Expr>(args), type);

    /// <summary>A comparison; comparing an expression with itself folds to a constant (and avoids CS1718).</summary>
    public static Expr Compare(BinaryOp op, Expr a, Expr b)
    {
        if (a == b && a is VarRef or ElementAt or Literal)
        {
            switch (op)
            {
                case BinaryOp.Less or BinaryOp.Greater or BinaryOp.NotEqual:
                    return Literals.Bool(false);
                case BinaryOp.LessOrEqual or BinaryOp.GreaterOrEqual or BinaryOp.Equal:
                    return Literals.Bool(true);
            }
        }

        return new Binary(op, a, b, TypeRef.Bool);
    }

    public static Expr Cond(Expr condition, Expr whenTrue, Expr whenFalse) => new Conditional(condition, whenTrue, whenFalse, whenTrue.Type);

    public static Expr Int(int value) => Literals.Int(value);

    /// <summary><c>a + b</c> for integers, with <c>0 + b</c> and <c>a + 0</c> folded.</summary>
    public static Expr AddInts(Expr a, Expr b)
    {
        if (Literals.Value(a) is 0.0)
        {
            return b;
        }

        return Literals.Value(b) is 0.0 ? a : new Binary(BinaryOp.Add, a, b, TypeRef.Int);
    }

    public static Expr AddInt(Expr a, int b)
    {
        if (b == 0)
        {
            return a;
        }

        if (Literals.Value(a) is double v && a.Type.Kind == TypeKind.Int)
        {
            return Int((int)v + b);
        }

        // (x - c) + b and (x + c) + b fold the constants.
        if (a is Binary { Op: BinaryOp.Subtract or BinaryOp.Add, Right: Literal } offset && Literals.Value(offset.Right) is double d && a.Type.Kind == TypeKind.Int)
        {
            int folded = (offset.Op == BinaryOp.Add ? (int)d : -(int)d) + b;
            return AddInt(offset.Left, folded);
        }

        // (c + x) + b folds the constants.
        if (a is Binary { Op: BinaryOp.Add, Left: Literal } sum && Literals.Value(sum.Left) is double c && a.Type.Kind == TypeKind.Int)
        {
            return AddInts(Int((int)c + b), sum.Right);
        }

        return b > 0 ? new Binary(BinaryOp.Add, a, Int(b), TypeRef.Int) : new Binary(BinaryOp.Subtract, a, Int(-b), TypeRef.Int);
    }
}
