using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class ArithmeticTests
{
    /// <summary>Pairs of shapes that broadcast: equal, column against row, trailing vector, scalar tensor, size-1 dims, one empty.</summary>
    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [2, 3], [2, 3] },
        { [3, 1], [1, 4] },
        { [4], [2, 3, 4] },
        { [2, 3, 4], [4] },
        { [2, 1, 4], [3, 1] },
        { [], [2, 3] },
        { [2, 3], [] },
        { [1], [2, 3] },
        { [2, 1, 3, 1], [1, 4, 1, 2] },
        { [1, 1], [1, 1] },
        { [0, 3], [3] },
    };

    public static TheoryData<string> Operations => new() { "+", "-", "*", "/" };

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "+" => Add(a, b),
        "-" => Subtract(a, b),
        "*" => Multiply(a, b),
        _ => Divide(a, b),
    };

    private static Tensor ApplyOperator(string op, Tensor a, Tensor b) => op switch
    {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        _ => a / b,
    };

    private static double Reference(string op, double x, double y) => op switch
    {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        _ => x / y,
    };

    private static void Rule(string op, Tensor g, Tensor r, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        switch (op)
        {
            case "+": AddBackward(g, r, a, b, da, db); break;
            case "-": SubtractBackward(g, r, a, b, da, db); break;
            case "*": MultiplyBackward(g, r, a, b, da, db); break;
            default: DivideBackward(g, r, a, b, da, db); break;
        }
    }

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Broadcasting_forward_values_match_an_element_by_element_reference(int[] aShape, int[] bShape)
    {
        foreach (string op in Operations)
        {
            var a = Random(1, aShape);
            var b = Random(2, bShape, 0.5, 1.5);
            var expected = OpTesting.Broadcast(a, b, (x, y) => Reference(op, x, y), out int[] shape);
            AssertValues(expected, shape, Apply(op, a, b));
            AssertValues(expected, shape, ApplyOperator(op, a, b));
            AssertAgrees(Apply(op, a, b), Apply(op, F32(a), F32(b)));
        }
    }

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Broadcasting_rules_match_finite_differences(int[] aShape, int[] bShape)
    {
        foreach (string op in Operations)
        {
            TensorGradCheck.Check(
                x => Apply(op, x[0], x[1]),
                (g, r, x, d) => Rule(op, g, r, x[0], x[1], d[0], d[1]),
                [Random(3, aShape), Random(4, bShape, 0.5, 1.5)]);
        }
    }

    [Fact]
    public void Rules_skip_a_null_gradient()
    {
        foreach (string op in Operations)
        {
            TensorGradCheck.Check(x => Apply(op, x[0], x[1]), (g, r, x, d) => Rule(op, g, r, x[0], x[1], d[0], d[1]), [Random(5, [3, 1]), Random(6, [4], 0.5, 1.5)], 1, 0);
            TensorGradCheck.Check(x => Apply(op, x[0], x[1]), (g, r, x, d) => Rule(op, g, r, x[0], x[1], d[0], d[1]), [Random(5, [3, 1]), Random(6, [4], 0.5, 1.5)], 1, 1);
        }
    }

    [Fact]
    public void Operator_rules_match_finite_differences()
    {
        Tensor[] inputs = [Random(7, [3, 1]), Random(8, [1, 4], 0.5, 1.5)];
        TensorGradCheck.Check(x => x[0] + x[1], (g, r, x, d) => Tensor.AdditionBackward(g, r, x[0], x[1], d[0], d[1]), inputs);
        TensorGradCheck.Check(x => x[0] - x[1], (g, r, x, d) => Tensor.SubtractionBackward(g, r, x[0], x[1], d[0], d[1]), inputs);
        TensorGradCheck.Check(x => x[0] * x[1], (g, r, x, d) => Tensor.MultiplyBackward(g, r, x[0], x[1], d[0], d[1]), inputs);
        TensorGradCheck.Check(x => x[0] / x[1], (g, r, x, d) => Tensor.DivisionBackward(g, r, x[0], x[1], d[0], d[1]), inputs);
        TensorGradCheck.Check(x => -x[0], (g, r, x, d) => Tensor.UnaryNegationBackward(g, r, x[0], d[0]), [Random(9, [2, 3])]);
    }

    [Fact]
    public void Scalar_operands_give_the_reference_values_on_either_side()
    {
        var a = Random(10, [2, 3], 0.5, 1.5);
        const double s = 1.75;
        double[] values = a.Doubles.ToArray();
        int[] shape = [2, 3];
        AssertValues(values.Select(v => v + s).ToArray(), shape, Add(a, s));
        AssertValues(values.Select(v => s + v).ToArray(), shape, s + a);
        AssertValues(values.Select(v => v - s).ToArray(), shape, Subtract(a, s));
        AssertValues(values.Select(v => s - v).ToArray(), shape, s - a);
        AssertValues(values.Select(v => v * s).ToArray(), shape, Multiply(a, s));
        AssertValues(values.Select(v => s * v).ToArray(), shape, s * a);
        AssertValues(values.Select(v => v / s).ToArray(), shape, Divide(a, s));
        AssertValues(values.Select(v => s / v).ToArray(), shape, s / a);
        AssertValues(values.Select(v => -v).ToArray(), shape, -a);
        AssertValues(values.Select(v => -v).ToArray(), shape, Negate(a));
        AssertAgrees(Divide(s, a), Divide(s, F32(a)));
        AssertAgrees(Subtract(a, s), F32(a) - s);
    }

    [Fact]
    public void Scalar_operand_rules_match_finite_differences_for_both_operands()
    {
        Tensor[] t = [Random(11, [2, 3], 0.5, 1.5)];
        const double s = 1.3;
        CheckWithScalar((x, v) => Add(x[0], v), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => AddBackward(g, r, x[0], v, d[0], ref dv), t, s);
        CheckWithScalar((x, v) => Add(v, x[0]), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => AddBackward(g, r, v, x[0], ref dv, d[0]), t, s);
        CheckWithScalar((x, v) => Subtract(x[0], v), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => SubtractBackward(g, r, x[0], v, d[0], ref dv), t, s);
        CheckWithScalar((x, v) => Subtract(v, x[0]), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => SubtractBackward(g, r, v, x[0], ref dv, d[0]), t, s);
        CheckWithScalar((x, v) => Multiply(x[0], v), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => MultiplyBackward(g, r, x[0], v, d[0], ref dv), t, s);
        CheckWithScalar((x, v) => Multiply(v, x[0]), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => MultiplyBackward(g, r, v, x[0], ref dv, d[0]), t, s);
        CheckWithScalar((x, v) => Divide(x[0], v), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => DivideBackward(g, r, x[0], v, d[0], ref dv), t, s);
        CheckWithScalar((x, v) => Divide(v, x[0]), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => DivideBackward(g, r, v, x[0], ref dv, d[0]), t, s);
        CheckWithScalar((x, v) => x[0] * v, (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => Tensor.MultiplyBackward(g, r, x[0], v, d[0], ref dv), t, s);
        CheckWithScalar((x, v) => v / x[0], (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => Tensor.DivisionBackward(g, r, v, x[0], ref dv, d[0]), t, s);
        CheckWithScalar((x, v) => Divide(v, x[0]), (Tensor g, Tensor r, Tensor[] x, double v, Tensor?[] d, ref double dv) => DivideBackward(g, r, v, x[0], ref dv, d[0]), t, s, 0);
    }

    [Fact]
    public void Negate_rule_matches_finite_differences()
    {
        TensorGradCheck.Check(x => Negate(x[0]), (g, r, x, d) => NegateBackward(g, r, x[0], d[0]), [Random(12, [4])]);
    }

    [Fact]
    public void Shapes_that_do_not_broadcast_throw_naming_the_operation_and_both_shapes()
    {
        var a = Tensor.Zeros(DType.Float64, 2, 3);
        var b = Tensor.Zeros(DType.Float64, 4);
        Assert.Equal("Add: shapes [2, 3] and [4] cannot be broadcast.", Assert.Throws<ArgumentException>(() => Add(a, b)).Message);
        Assert.Equal("Subtract: shapes [2, 3] and [4] cannot be broadcast.", Assert.Throws<ArgumentException>(() => a - b).Message);
        Assert.Equal("Multiply: shapes [3, 2] and [2, 3] cannot be broadcast.", Assert.Throws<ArgumentException>(() => Multiply(Tensor.Zeros(DType.Float64, 3, 2), a)).Message);
        Assert.Equal("Divide: shapes [2, 3] and [4] cannot be broadcast.", Assert.Throws<ArgumentException>(() => Divide(a, b)).Message);
    }

    [Fact]
    public void Mixed_element_types_throw_naming_both()
    {
        var ex = Assert.Throws<ArgumentException>(() => Add(Tensor.Zeros(DType.Float64, 2), Tensor.Zeros(DType.Float32, 2)));
        Assert.StartsWith("Add: element types differ: Float64 [2] and Float32 [2]", ex.Message);
    }

    [Fact]
    public void A_rule_rejects_a_gradient_of_the_wrong_shape()
    {
        var a = Tensor.Zeros(DType.Float64, 2, 3);
        var b = Tensor.Zeros(DType.Float64, 3);
        var r = Add(a, b);
        var ex = Assert.Throws<ArgumentException>(() => AddBackward(r, r, a, b, Tensor.Zeros(DType.Float64, 3), null));
        Assert.Contains("Add: the gradient da is Float64 [3]; it must match its input, Float64 [2, 3]", ex.Message);
    }
}
