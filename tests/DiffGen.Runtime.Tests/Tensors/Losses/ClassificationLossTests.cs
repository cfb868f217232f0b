using static DiffGen.Losses;

namespace DiffGen.Runtime.Tests.Tensors.Losses;

/// <summary>Values of CrossEntropy and Nll against closed forms and a direct softmax, in both element types.</summary>
public class ClassificationLossTests
{
    private static readonly double[] Logits = [0.5, -1, 2, 0.25, 1, 1, -0.5, 3, -2, 0, 0.75, 1.5];
    private static readonly int[] Classes = [2, 0, 3];

    private static Tensor LogitsTensor(DType dtype) => Make(Logits, dtype, 3, 4);

    private static Tensor Make(double[] values, DType dtype, params int[] shape)
    {
        var t = Tensor.Zeros(dtype, shape);
        var flat = t.Reshape(-1);
        for (int i = 0; i < values.Length; i++)
        {
            flat[i] = values[i];
        }

        return t;
    }

    /// <summary>-log softmax(row)[c], straight from the definition (fine for these small logits).</summary>
    private static double NaiveLoss(int row, int c)
    {
        double total = 0;
        for (int j = 0; j < 4; j++)
        {
            total += Math.Exp(Logits[row * 4 + j]);
        }

        return -Math.Log(Math.Exp(Logits[row * 4 + c]) / total);
    }

    private static void Close(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropy_of_equal_logits_is_ln_C(DType dtype)
    {
        var x = Tensor.Full(dtype, 7.3, 3, 5);
        int[] targets = [0, 4, 2];
        Close(Math.Log(5), CrossEntropy(x, targets));
        Close(3 * Math.Log(5), CrossEntropy(x, targets, Reduction.Sum));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropy_with_class_indices_is_minus_the_log_of_the_softmax_of_the_target(DType dtype)
    {
        double sum = NaiveLoss(0, 2) + NaiveLoss(1, 0) + NaiveLoss(2, 3);

        // The Float32 logits are exact in float, so the result is as accurate as the Float64 one.
        Close(sum / 3, CrossEntropy(LogitsTensor(dtype), Classes));
        Close(sum, CrossEntropy(LogitsTensor(dtype), Classes, Reduction.Sum));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropy_takes_class_indices_held_in_a_tensor_of_either_type(DType labelType)
    {
        var labels = Make([2, 0, 3], labelType, 3);
        Assert.Equal(CrossEntropy(LogitsTensor(DType.Float64), Classes), CrossEntropy(LogitsTensor(DType.Float64), labels));
        Assert.Equal(CrossEntropy(LogitsTensor(DType.Float64), Classes, Reduction.Sum), CrossEntropy(LogitsTensor(DType.Float64), labels, Reduction.Sum));
    }

    [Fact]
    public void CrossEntropy_with_one_hot_probabilities_equals_CrossEntropy_with_indices()
    {
        var oneHot = Tensor.Zeros(DType.Float64, 3, 4);
        for (int n = 0; n < 3; n++)
        {
            oneHot[n, Classes[n]] = 1;
        }

        Close(CrossEntropy(LogitsTensor(DType.Float64), Classes), CrossEntropy(LogitsTensor(DType.Float64), oneHot));
        Close(CrossEntropy(LogitsTensor(DType.Float64), Classes, Reduction.Sum), CrossEntropy(LogitsTensor(DType.Float64), oneHot, Reduction.Sum));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropy_with_probabilities_is_the_expected_negative_log_softmax(DType dtype)
    {
        double[] probabilities = [0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0, 0.25, 0.25, 0.25, 0.25];
        double sum = 0;
        for (int n = 0; n < 3; n++)
        {
            for (int c = 0; c < 4; c++)
            {
                sum += probabilities[n * 4 + c] * NaiveLoss(n, c);
            }
        }

        var target = Make(probabilities, dtype, 3, 4);

        // In Float32 the probabilities 0.1, 0.2, 0.3, 0.4 are rounded: relative error about 6e-8.
        double tolerance = dtype == DType.Float32 ? 1e-7 : 1e-12;
        Close(sum / 3, CrossEntropy(LogitsTensor(dtype), target), tolerance);
        Close(sum, CrossEntropy(LogitsTensor(dtype), target, Reduction.Sum), tolerance);
    }

    [Fact]
    public void CrossEntropy_stays_finite_and_exact_for_huge_logits()
    {
        // exp(1000) overflows; with the maximum subtracted, the loss is log(1 + e^-1000 + e^-2000) = 0 for the
        // largest logit and 1000 for the middle one.
        var x = Tensor.FromArray(new double[] { 1000, 0, -1000, 1000, 0, -1000 }, 2, 3);
        Assert.Equal(0, CrossEntropy(x, [0, 0], Reduction.Sum));
        Assert.Equal(1000, CrossEntropy(x, [1, 1]));
        var f = Tensor.FromArray(new float[] { 1000, 0, -1000 }, 1, 3);
        Assert.Equal(2000, CrossEntropy(f, [2]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Nll_is_minus_the_mean_or_the_sum_of_the_picked_log_probabilities(DType dtype)
    {
        double sum = -(Logits[2] + Logits[4] + Logits[11]);
        Close(sum / 3, Nll(LogitsTensor(dtype), Classes));
        Close(sum, Nll(LogitsTensor(dtype), Classes, Reduction.Sum));
        Close(sum, Nll(LogitsTensor(dtype), Make([2, 0, 3], DType.Float32, 3), Reduction.Sum));
    }

    [Fact]
    public void Nll_of_the_log_softmax_equals_CrossEntropy()
    {
        var logProbabilities = Tensor.Zeros(DType.Float64, 3, 4);
        for (int n = 0; n < 3; n++)
        {
            for (int c = 0; c < 4; c++)
            {
                logProbabilities[n, c] = -NaiveLoss(n, c);
            }
        }

        Close(CrossEntropy(LogitsTensor(DType.Float64), Classes), Nll(logProbabilities, Classes));
    }

    [Fact]
    public void An_empty_batch_gives_NaN_for_the_mean_and_zero_for_the_sum()
    {
        var x = Tensor.Zeros(DType.Float64, 0, 4);
        Assert.True(double.IsNaN(CrossEntropy(x, Array.Empty<int>())));
        Assert.Equal(0, CrossEntropy(x, Array.Empty<int>(), Reduction.Sum));
    }
}
