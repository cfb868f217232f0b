using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class ElementwiseTests
{
    private static readonly int[] Shape = [2, 3];

    private static void CheckUnary(Func<Tensor, Tensor> op, Func<double, double> reference, TensorGradCheck.Backward rule, Tensor x)
    {
        AssertValues(x.Doubles.ToArray().Select(reference).ToArray(), x.Shape.ToArray(), op(x));
        AssertAgrees(op(x), op(F32(x)));
        TensorGradCheck.Check(v => op(v[0]), rule, [x]);
        TensorGradCheck.Check(v => op(v[0]), rule, [x], 1, 0);
    }

    [Fact]
    public void Exp_matches_reference_values_and_finite_differences() =>
        CheckUnary(Exp, Math.Exp, (g, r, x, d) => ExpBackward(g, r, x[0], d[0]), Random(1, Shape));

    [Fact]
    public void Log_matches_reference_values_and_finite_differences() =>
        CheckUnary(Log, Math.Log, (g, r, x, d) => LogBackward(g, r, x[0], d[0]), Random(2, Shape, 0.5, 2));

    [Fact]
    public void Sqrt_matches_reference_values_and_finite_differences() =>
        CheckUnary(Sqrt, Math.Sqrt, (g, r, x, d) => SqrtBackward(g, r, x[0], d[0]), Random(3, Shape, 0.5, 2));

    [Fact]
    public void Abs_matches_reference_values_and_finite_differences() =>
        CheckUnary(Abs, Math.Abs, (g, r, x, d) => AbsBackward(g, r, x[0], d[0]), AwayFromZero(4, Shape));

    [Fact]
    public void Abs_has_a_zero_derivative_at_zero()
    {
        var x = Tensor.Zeros(DType.Float64, 3);
        var dx = Tensor.Zeros(DType.Float64, 3);
        AbsBackward(Tensor.Ones(DType.Float64, 3), Abs(x), x, dx);
        Assert.Equal([0.0, 0.0, 0.0], dx.Doubles.ToArray());
    }

    [Fact]
    public void Pow_with_a_scalar_exponent_matches_reference_values_and_finite_differences()
    {
        var x = Random(5, Shape, 0.5, 2);
        foreach (double p in new[] { 2.0, 0.5, -1.5, 3.0 })
        {
            AssertValues(x.Doubles.ToArray().Select(v => Math.Pow(v, p)).ToArray(), Shape, Pow(x, p));
            AssertAgrees(Pow(x, p), Pow(F32(x), p));
            CheckWithScalar((t, e) => Pow(t[0], e), (Tensor g, Tensor r, Tensor[] t, double e, Tensor?[] d, ref double de) => PowBackward(g, r, t[0], e, d[0], ref de), [x], p);
        }
    }

    [Fact]
    public void Pow_of_negative_bases_with_an_integer_exponent_has_the_polynomial_derivative()
    {
        var x = AwayFromZero(6, Shape);
        AssertValues(x.Doubles.ToArray().Select(v => v * v * v).ToArray(), Shape, Pow(x, 3));
        CheckWithScalar((t, e) => Pow(t[0], e), (Tensor g, Tensor r, Tensor[] t, double e, Tensor?[] d, ref double de) => PowBackward(g, r, t[0], e, d[0], ref de), [x], 3, 1);
    }

    [Fact]
    public void Pow_with_a_zero_exponent_has_a_zero_derivative_at_zero_bases()
    {
        var x = Tensor.Zeros(DType.Float64, 2);
        var dx = Tensor.Zeros(DType.Float64, 2);
        double de = 0;
        PowBackward(Tensor.Ones(DType.Float64, 2), Pow(x, 0), x, 0, dx, ref de);
        Assert.Equal([0.0, 0.0], dx.Doubles.ToArray());
        Assert.Equal(0, de);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 3, 1 }, new[] { 1, 4 })]
    [InlineData(new[] { 2, 3 }, new int[0])]
    [InlineData(new[] { 4 }, new[] { 2, 1, 4 })]
    public void Pow_of_two_tensors_broadcasts_and_matches_finite_differences(int[] xShape, int[] yShape)
    {
        var x = Random(7, xShape, 0.5, 2);
        var y = Random(8, yShape, -2, 2);
        var expected = OpTesting.Broadcast(x, y, Math.Pow, out int[] shape);
        AssertValues(expected, shape, Pow(x, y));
        AssertAgrees(Pow(x, y), Pow(F32(x), F32(y)));
        TensorGradCheck.Check(v => Pow(v[0], v[1]), (g, r, v, d) => PowBackward(g, r, v[0], v[1], d[0], d[1]), [x, y]);
    }
}
