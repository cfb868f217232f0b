using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class ActivationTests
{
    private static readonly int[] Shape = [3, 4];

    private static void CheckUnary(Func<Tensor, Tensor> op, Func<double, double> reference, TensorGradCheck.Backward rule, Tensor x)
    {
        AssertValues(x.Doubles.ToArray().Select(reference).ToArray(), x.Shape.ToArray(), op(x));
        AssertAgrees(op(x), op(F32(x)));
        TensorGradCheck.Check(v => op(v[0]), rule, [x]);
    }

    [Fact]
    public void Tanh_matches_reference_values_and_finite_differences() =>
        CheckUnary(Tanh, Math.Tanh, (g, r, x, d) => TanhBackward(g, r, x[0], d[0]), Random(1, Shape, -3, 3));

    [Fact]
    public void Sigmoid_matches_reference_values_and_finite_differences() =>
        CheckUnary(Sigmoid, v => 1 / (1 + Math.Exp(-v)), (g, r, x, d) => SigmoidBackward(g, r, x[0], d[0]), Random(2, Shape, -4, 4));

    [Fact]
    public void Relu_matches_reference_values_and_finite_differences() =>
        CheckUnary(Relu, v => v > 0 ? v : 0, (g, r, x, d) => ReluBackward(g, r, x[0], d[0]), AwayFromZero(3, Shape));

    [Fact]
    public void Relu_has_a_zero_derivative_at_zero()
    {
        var x = Tensor.Zeros(DType.Float64, 2);
        var dx = Tensor.Zeros(DType.Float64, 2);
        ReluBackward(Tensor.Ones(DType.Float64, 2), Relu(x), x, dx);
        Assert.Equal([0.0, 0.0], dx.Doubles.ToArray());
    }

    [Fact]
    public void LeakyRelu_matches_reference_values_and_finite_differences_in_input_and_slope()
    {
        var x = AwayFromZero(4, Shape);
        AssertValues(x.Doubles.ToArray().Select(v => v > 0 ? v : 0.01 * v).ToArray(), Shape, LeakyRelu(x));
        AssertValues(x.Doubles.ToArray().Select(v => v > 0 ? v : 0.2 * v).ToArray(), Shape, LeakyRelu(x, 0.2));
        AssertAgrees(LeakyRelu(x, 0.2), LeakyRelu(F32(x), 0.2));
        CheckWithScalar((t, s) => LeakyRelu(t[0], s), (Tensor g, Tensor r, Tensor[] t, double s, Tensor?[] d, ref double ds) => LeakyReluBackward(g, r, t[0], s, d[0], ref ds), [x], 0.2);
    }

    [Theory]
    [InlineData(-3, -0.00404969409489031)]
    [InlineData(-1, -0.15865525393145707)]
    [InlineData(-0.5, -0.15426876936299344)]
    [InlineData(0, 0)]
    [InlineData(0.5, 0.34573123063700656)]
    [InlineData(1, 0.8413447460685429)]
    [InlineData(2, 1.9544997361036416)]
    [InlineData(3.5, 3.4991857982233756)]
    public void Gelu_is_the_exact_erf_form(double x, double expected)
    {
        // Expected values: x·(1 + erf(x/√2))/2 from Python's math.erf.
        Assert.Equal(expected, Gelu(Of([x], 1)).Doubles[0], 1e-15);
        Assert.Equal(expected, Gelu(F32(Of([x], 1))).Floats[0], 1e-6);
    }

    [Fact]
    public void Gelu_matches_finite_differences_including_the_tails() =>
        TensorGradCheck.Check(v => Gelu(v[0]), (g, r, x, d) => GeluBackward(g, r, x[0], d[0]), [Random(5, [2, 8], -6, 6)]);

    [Fact]
    public void The_single_precision_erf_is_within_4e7_of_the_double_one()
    {
        var z = new float[System.Numerics.Vector<float>.Count];
        for (int i = -6000; i <= 6000; i++)
        {
            float x = i / 1000f;
            Assert.True(Math.Abs(ActivationOps.FastErf(x) - SpecialFunctions.Erf(x)) <= 4e-7, $"erf({x})");
            z.AsSpan().Fill(x);
            Assert.Equal(ActivationOps.FastErf(x), ActivationOps.FastErf(new System.Numerics.Vector<float>(z))[0], 1e-7);
        }
    }

    [Fact]
    public void The_float32_Gelu_rule_agrees_with_float64()
    {
        var x = Random(9, [3, 37], -6, 6);
        var g = Random(10, [3, 37]);
        var dx = Tensor.Zeros(DType.Float64, 3, 37);
        var dx32 = Tensor.Zeros(DType.Float32, 3, 37);
        GeluBackward(g, Gelu(x), x, dx);
        GeluBackward(F32(g), Gelu(F32(x)), F32(x), dx32);
        AssertAgrees(dx, dx32);
        AssertAgrees(Gelu(x), Gelu(F32(x)));
    }

    [Theory]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1, 0.8427007929497149)]
    [InlineData(2, 0.9953222650189527)]
    [InlineData(2.9, 0.9999589021219005)]
    [InlineData(3, 0.9999779095030014)]
    [InlineData(3.1, 0.9999883513426328)]
    [InlineData(4, 0.9999999845827421)]
    public void Erf_agrees_with_reference_values_on_both_sides_of_the_series_limit(double x, double expected)
    {
        Assert.Equal(expected, SpecialFunctions.Erf(x), 1e-15);
        Assert.Equal(-expected, SpecialFunctions.Erf(-x), 1e-15);
    }

    [Theory]
    [InlineData(3, 2.2090496998585438e-05)]
    [InlineData(4, 1.541725790028002e-08)]
    [InlineData(5, 1.5374597944280351e-12)]
    [InlineData(6, 2.1519736712498916e-17)]
    public void Erfc_is_accurate_relative_to_its_value_in_the_tail(double x, double expected)
    {
        Assert.True(Math.Abs(SpecialFunctions.Erfc(x) - expected) <= 1e-14 * expected, $"erfc({x}) = {SpecialFunctions.Erfc(x):R}, expected {expected:R}");
    }

    [Theory]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(2, 0.004677734981047265)]
    [InlineData(2.9, 4.109787809945886e-05)]
    public void Erfc_below_the_tail_is_accurate_to_about_1e15_absolute(double x, double expected)
    {
        Assert.True(Math.Abs(SpecialFunctions.Erfc(x) - expected) <= 1e-15, $"erfc({x}) = {SpecialFunctions.Erfc(x):R}, expected {expected:R}");
    }

    /// <summary>Softmax along an axis by hand: for each slice, exp(x − max) / Σ exp(x − max).</summary>
    private static double[] ReferenceSoftmax(Tensor x, int axis, bool log)
    {
        int rank = x.Rank;
        axis = axis < 0 ? axis + rank : axis;
        var result = new double[x.Length];
        for (int flat = 0; flat < x.Length; flat++)
        {
            int[] index = Unravel(flat, x.Shape);
            double max = double.NegativeInfinity;
            for (int j = 0; j < x.Shape[axis]; j++)
            {
                index[axis] = j;
                max = Math.Max(max, x[index]);
            }

            double sum = 0;
            for (int j = 0; j < x.Shape[axis]; j++)
            {
                index[axis] = j;
                sum += Math.Exp(x[index] - max);
            }

            index = Unravel(flat, x.Shape);
            result[flat] = log ? x[index] - max - Math.Log(sum) : Math.Exp(x[index] - max) / sum;
        }

        return result;
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, -1)]
    [InlineData(new[] { 2, 3, 4 }, 0)]
    [InlineData(new[] { 2, 3, 4 }, 1)]
    [InlineData(new[] { 5 }, 0)]
    [InlineData(new[] { 3, 1 }, 1)]
    public void Softmax_and_LogSoftmax_match_a_reference_and_finite_differences(int[] shape, int axis)
    {
        var x = Random(6, shape, -2, 2);
        AssertValues(ReferenceSoftmax(x, axis, log: false), shape, Softmax(x, axis));
        AssertValues(ReferenceSoftmax(x, axis, log: true), shape, LogSoftmax(x, axis));
        AssertAgrees(Softmax(x, axis), Softmax(F32(x), axis));
        AssertAgrees(LogSoftmax(x, axis), LogSoftmax(F32(x), axis));
        TensorGradCheck.Check(v => Softmax(v[0], axis), (g, r, v, d) => SoftmaxBackward(g, r, v[0], axis, d[0]), [x]);
        TensorGradCheck.Check(v => LogSoftmax(v[0], axis), (g, r, v, d) => LogSoftmaxBackward(g, r, v[0], axis, d[0]), [x]);
    }

    [Fact]
    public void Softmax_stays_finite_for_large_inputs()
    {
        var x = Of([1000, 1001, 1002, -1000, 0, 1000], 2, 3);
        foreach (var t in new[] { x, F32(x) })
        {
            var s = Softmax(t, 1);
            var l = LogSoftmax(t, 0);
            for (int i = 0; i < 6; i++)
            {
                Assert.True(double.IsFinite(s.To(DType.Float64).Doubles[i]) && double.IsFinite(l.To(DType.Float64).Doubles[i]));
            }
        }

        AssertValues(ReferenceSoftmax(x, 1, log: false), [2, 3], Softmax(x, 1));
        AssertValues(ReferenceSoftmax(x, 0, log: true), [2, 3], LogSoftmax(x, 0));
    }

    [Fact]
    public void Softmax_rejects_an_axis_outside_the_rank()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Softmax(Tensor.Zeros(DType.Float64, 2, 3), 2));
        Assert.StartsWith("Softmax: axis 2 is outside a tensor of rank 2.", ex.Message);
    }
}
