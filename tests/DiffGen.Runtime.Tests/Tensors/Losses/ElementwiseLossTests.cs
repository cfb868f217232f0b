using static DiffGen.Losses;

namespace DiffGen.Runtime.Tests.Tensors.Losses;

/// <summary>Values of the element-wise losses against hand loops and closed forms, in both element types.</summary>
public class ElementwiseLossTests
{
    private static readonly double[] Inputs = [1, -2, 3.5, 0, 4, -1];
    private static readonly double[] Targets = [0.5, -2, 1, 2, 4.25, 1];

    private static Tensor Make(double[] values, DType dtype, params int[] shape)
    {
        var t = Tensor.Zeros(dtype, shape);
        for (int i = 0; i < values.Length; i++)
        {
            t.Reshape(-1)[i] = values[i];
        }

        return t;
    }

    private static (Tensor Input, Tensor Target) Pair(DType dtype) => (Make(Inputs, dtype, 2, 3), Make(Targets, dtype, 2, 3));

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MseLoss_is_the_mean_or_the_sum_of_the_squared_differences(DType dtype)
    {
        var (x, y) = Pair(dtype);
        double sum = 0;
        for (int i = 0; i < Inputs.Length; i++)
        {
            sum += (Inputs[i] - Targets[i]) * (Inputs[i] - Targets[i]);
        }

        Close(sum / 6, MseLoss(x, y));
        Close(sum, MseLoss(x, y, Reduction.Sum));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void L1Loss_is_the_mean_or_the_sum_of_the_absolute_differences(DType dtype)
    {
        var (x, y) = Pair(dtype);

        // |d| = 0.5, 0, 2.5, 2, 0.25, 2
        Close(7.25 / 6, L1Loss(x, y));
        Close(7.25, L1Loss(x, y, Reduction.Sum));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void HuberLoss_is_quadratic_within_delta_and_linear_outside(DType dtype)
    {
        var (x, y) = Pair(dtype);

        // delta = 1, |d| = 0.5, 0, 2.5, 2, 0.25, 2: 0.125 + 0 + (2.5 - 0.5) + (2 - 0.5) + 0.03125 + (2 - 0.5)
        double sum = 0.125 + 2 + 1.5 + 0.03125 + 1.5;
        Close(sum / 6, HuberLoss(x, y));
        Close(sum, HuberLoss(x, y, Reduction.Sum));

        // delta = 2: 0.125 + 0 + 2 * (2.5 - 1) + 2 + 0.03125 + 2
        Close(0.125 + 3 + 2 + 0.03125 + 2, HuberLoss(x, y, Reduction.Sum, delta: 2));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BinaryCrossEntropyWithLogits_matches_the_textbook_formula_for_moderate_logits(DType dtype)
    {
        double[] logits = [-3, -0.5, 0, 0.25, 1.5, 3];
        double[] targets = [0, 1, 0.25, 1, 0, 0.75]; // exact in float
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double p = 1 / (1 + Math.Exp(-logits[i]));
            sum -= targets[i] * Math.Log(p) + (1 - targets[i]) * Math.Log(1 - p);
        }

        var x = Make(logits, dtype, 6);
        var y = Make(targets, dtype, 6);
        Assert.True(Math.Abs(sum / 6 - BinaryCrossEntropyWithLogits(x, y)) <= 1e-12);
        Assert.True(Math.Abs(sum - BinaryCrossEntropyWithLogits(x, y, Reduction.Sum)) <= 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_stays_finite_and_exact_for_huge_logits()
    {
        // exp(800) overflows and σ(800) rounds to 1, so the textbook formula gives NaN or infinity; the loss is
        // 0 for a right answer and |logit| for a wrong one.
        var x = Tensor.FromArray(new double[] { 800, -800, 800, -800 });
        var y = Tensor.FromArray(new double[] { 1, 0, 0, 1 });
        Assert.Equal(1600, BinaryCrossEntropyWithLogits(x, y, Reduction.Sum));

        // For a small e^-|x| the log(1 + e^-|x|) term is kept to full relative precision: at x = 40 it is e^-40.
        var one = Tensor.FromArray(new double[] { 40 });
        Assert.True(Math.Abs(Math.Exp(-40) - BinaryCrossEntropyWithLogits(one, Tensor.FromArray(new double[] { 1 }))) <= 1e-15 * Math.Exp(-40));
    }

    [Fact]
    public void A_Float64_input_takes_a_Float32_target()
    {
        var (x, _) = Pair(DType.Float64);
        var (_, y32) = Pair(DType.Float32);
        var (_, y64) = Pair(DType.Float64);
        Assert.Equal(MseLoss(x, y64), MseLoss(x, y32));
    }

    [Fact]
    public void The_mean_of_no_elements_is_NaN_as_in_PyTorch()
    {
        var empty = Tensor.Zeros(DType.Float64, 0, 3);
        Assert.True(double.IsNaN(MseLoss(empty, empty)));
        Assert.Equal(0, MseLoss(empty, empty, Reduction.Sum));
    }
}
