using static DiffGen.Losses;

namespace DiffGen.Runtime.Tests.Tensors.Losses;

/// <summary>Invalid arguments throw an ArgumentException that names the loss and the shapes or the value.</summary>
public class LossErrorTests
{
    private static void Mentions(ArgumentException error, params string[] parts)
    {
        foreach (string part in parts)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_element_wise_loss_of_different_shapes_names_the_loss_and_both_shapes()
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(3, 2);
        Mentions(Assert.Throws<ArgumentException>(() => MseLoss(a, b)), "MseLoss", "[2, 3]", "[3, 2]");
        Mentions(Assert.Throws<ArgumentException>(() => L1Loss(a, b)), "L1Loss", "[2, 3]", "[3, 2]");
        Mentions(Assert.Throws<ArgumentException>(() => HuberLoss(a, b)), "HuberLoss", "[2, 3]", "[3, 2]");
        Mentions(Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogits(a, b)), "BinaryCrossEntropyWithLogits", "[2, 3]", "[3, 2]");
        Mentions(Assert.Throws<ArgumentException>(() => MseLossBackward(1, 0, a, b, Reduction.Mean, a)), "MseLossBackward", "[2, 3]", "[3, 2]");
    }

    [Fact]
    public void A_class_index_out_of_range_names_the_loss_the_value_and_the_shape()
    {
        var x = Tensor.Zeros(2, 3);
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(x, [0, 3])), "CrossEntropy", "target 3", "sample 1", "[0, 3)", "[2, 3]");
        Mentions(Assert.Throws<ArgumentException>(() => Nll(x, [-1, 0])), "Nll", "target -1", "sample 0");
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(x, Tensor.FromArray(new float[] { 0, 7 }))), "CrossEntropy", "target 7");
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropyBackward(1, 0, x, [5, 0], Reduction.Mean, x)), "CrossEntropyBackward", "target 5");
    }

    [Fact]
    public void A_class_index_that_is_not_a_whole_number_is_rejected()
    {
        var x = Tensor.Zeros(2, 3);
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(x, Tensor.FromArray(new float[] { 0, 1.5f }))), "CrossEntropy", "1.5", "not a class index");
        Mentions(Assert.Throws<ArgumentException>(() => Nll(x, Tensor.FromArray(new float[] { float.NaN, 1 }))), "Nll", "NaN");
    }

    [Fact]
    public void A_wrong_number_of_targets_names_the_counts()
    {
        var x = Tensor.Zeros(2, 3);
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(x, [0, 1, 2])), "CrossEntropy", "3 class indices", "[2, 3]", "(2)");
        Mentions(Assert.Throws<ArgumentException>(() => Nll(x, Tensor.Zeros(3))), "Nll", "3 class indices", "[2, 3]");
    }

    [Fact]
    public void CrossEntropy_needs_logits_of_rank_2_and_a_target_of_shape_N_or_N_C()
    {
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(Tensor.Zeros(6), [0])), "CrossEntropy", "[6]", "[N, C]");
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4))), "CrossEntropy", "[2, 4]", "[2]", "[2, 3]");
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropy(Tensor.Zeros(2, 0), [0, 0])), "CrossEntropy", "at least one class");
    }

    [Fact]
    public void HuberLoss_needs_a_positive_delta()
    {
        var a = Tensor.Zeros(2);
        Mentions(Assert.Throws<ArgumentOutOfRangeException>(() => HuberLoss(a, a, delta: 0)), "HuberLoss", "delta");
        Mentions(Assert.Throws<ArgumentOutOfRangeException>(() => HuberLoss(a, a, delta: double.NaN)), "HuberLoss", "delta");
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_or_type_is_rejected()
    {
        var x = Tensor.Zeros(2, 3);
        Mentions(Assert.Throws<ArgumentException>(() => MseLossBackward(1, 0, x, x, Reduction.Mean, Tensor.Zeros(3, 2))), "MseLossBackward", "dinput", "[3, 2]", "[2, 3]");
        Mentions(Assert.Throws<ArgumentException>(() => CrossEntropyBackward(1, 0, x, [0, 0], Reduction.Mean, Tensor.Zeros(DType.Float64, 2, 3))), "CrossEntropyBackward", "Float64", "Float32");
    }

    [Fact]
    public void An_undefined_reduction_is_rejected()
    {
        var x = Tensor.Zeros(2, 3);
        Mentions(Assert.Throws<ArgumentOutOfRangeException>(() => MseLoss(x, x, (Reduction)7)), "MseLoss", "reduction");
        Mentions(Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy(x, [0, 0], (Reduction)7)), "CrossEntropy", "reduction");
    }
}
