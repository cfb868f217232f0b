using DiffGen.Runtime.Tests.Support;
using static DiffGen.Losses;

namespace DiffGen.Runtime.Tests.Tensors.Losses;

/// <summary>
/// Each loss's backward rule against fourth-order central differences in Float64 (TensorGradCheck.CheckScalar, which
/// also checks that the rule adds into its gradient), for both reductions; the Float32 rule against the Float64 one.
/// </summary>
public class LossGradientTests
{
    public static TheoryData<Reduction> Reductions() => [Reduction.Mean, Reduction.Sum];

    private static Tensor Random(int seed, params int[] shape) => TensorGradCheck.Random(shape, new Random(seed));

    /// <summary>Targets at fixed distances from the inputs, away from the kinks of L1 (0) and Huber (delta = 1): the finite differences reach 8e-3.</summary>
    private static Tensor TargetsAwayFromKinks(Tensor input)
    {
        double[] offsets = [0.3, -0.7, 1.6, -2.2, 0.45, -1.3];
        var target = input.Clone();
        var t = target.Doubles;
        for (int i = 0; i < t.Length; i++)
        {
            t[i] += offsets[i % offsets.Length];
        }

        return target;
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void MseLossBackward_matches_finite_differences(Reduction reduction) =>
        TensorGradCheck.CheckScalar(
            x => MseLoss(x[0], x[1], reduction),
            (g, r, x, d) => MseLossBackward(g, r, x[0], x[1], reduction, d[0]),
            [Random(1, 3, 4), Random(2, 3, 4)],
            constant: 1);

    [Theory]
    [MemberData(nameof(Reductions))]
    public void L1LossBackward_matches_finite_differences(Reduction reduction)
    {
        var x = Random(3, 2, 6);
        TensorGradCheck.CheckScalar(
            x => L1Loss(x[0], x[1], reduction),
            (g, r, x, d) => L1LossBackward(g, r, x[0], x[1], reduction, d[0]),
            [x, TargetsAwayFromKinks(x)],
            constant: 1);
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void HuberLossBackward_matches_finite_differences_on_both_sides_of_delta(Reduction reduction)
    {
        var x = Random(4, 2, 6);
        TensorGradCheck.CheckScalar(
            x => HuberLoss(x[0], x[1], reduction),
            (g, r, x, d) => HuberLossBackward(g, r, x[0], x[1], reduction, 1.0, d[0]),
            [x, TargetsAwayFromKinks(x)],
            constant: 1);
        TensorGradCheck.CheckScalar(
            x => HuberLoss(x[0], x[1], reduction, delta: 0.5),
            (g, r, x, d) => HuberLossBackward(g, r, x[0], x[1], reduction, 0.5, d[0]),
            [x, TargetsAwayFromKinks(x)],
            constant: 1);
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void BinaryCrossEntropyWithLogitsBackward_matches_finite_differences(Reduction reduction)
    {
        var logits = TensorGradCheck.Random([3, 5], new Random(5), -4, 4);
        var targets = TensorGradCheck.Random([3, 5], new Random(6), 0, 1);
        TensorGradCheck.CheckScalar(
            x => BinaryCrossEntropyWithLogits(x[0], x[1], reduction),
            (g, r, x, d) => BinaryCrossEntropyWithLogitsBackward(g, r, x[0], x[1], reduction, d[0]),
            [logits, targets],
            constant: 1);
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void CrossEntropyBackward_with_class_indices_matches_finite_differences(Reduction reduction)
    {
        int[] targets = [2, 0, 4, 4];
        TensorGradCheck.CheckScalar(
            x => CrossEntropy(x[0], targets, reduction),
            (g, r, x, d) => CrossEntropyBackward(g, r, x[0], targets, reduction, d[0]),
            [TensorGradCheck.Random([4, 5], new Random(7), -3, 3)]);
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void CrossEntropyBackward_with_class_indices_in_a_tensor_matches_finite_differences(Reduction reduction) =>
        TensorGradCheck.CheckScalar(
            x => CrossEntropy(x[0], x[1], reduction),
            (g, r, x, d) => CrossEntropyBackward(g, r, x[0], x[1], reduction, d[0]),
            [TensorGradCheck.Random([4, 5], new Random(8), -3, 3), Tensor.FromArray(new double[] { 1, 3, 0, 4 })],
            constant: 1);

    [Theory]
    [MemberData(nameof(Reductions))]
    public void CrossEntropyBackward_with_probabilities_matches_finite_differences(Reduction reduction) =>
        // Rows that do not sum to 1 check the Σ target factor of the softmax term.
        TensorGradCheck.CheckScalar(
            x => CrossEntropy(x[0], x[1], reduction),
            (g, r, x, d) => CrossEntropyBackward(g, r, x[0], x[1], reduction, d[0]),
            [TensorGradCheck.Random([3, 4], new Random(9), -3, 3), TensorGradCheck.Random([3, 4], new Random(10), 0, 1)],
            constant: 1);

    [Theory]
    [MemberData(nameof(Reductions))]
    public void NllBackward_matches_finite_differences(Reduction reduction)
    {
        int[] targets = [1, 1, 0];
        TensorGradCheck.CheckScalar(
            x => Nll(x[0], targets, reduction),
            (g, r, x, d) => NllBackward(g, r, x[0], targets, reduction, d[0]),
            [Random(11, 3, 2)]);
        TensorGradCheck.CheckScalar(
            x => Nll(x[0], x[1], reduction),
            (g, r, x, d) => NllBackward(g, r, x[0], x[1], reduction, d[0]),
            [Random(12, 3, 2), Tensor.FromArray(new double[] { 0, 1, 1 })],
            constant: 1);
    }

    [Fact]
    public void The_Float32_rules_give_the_Float64_gradients_to_float_precision()
    {
        var x64 = TensorGradCheck.Random([4, 5], new Random(13), -3, 3);
        var t64 = TensorGradCheck.Random([4, 5], new Random(14), 0, 1);
        var x32 = x64.To(DType.Float32);
        var t32 = t64.To(DType.Float32);

        // The Float64 inputs are rounded to float so that both runs see the same values.
        x64 = x32.To(DType.Float64);
        t64 = t32.To(DType.Float64);
        int[] classes = [0, 4, 2, 2];
        var rules = new Action<Tensor, Tensor, Tensor>[]
        {
            (x, t, d) => MseLossBackward(1.5, 0, x, t, Reduction.Mean, d),
            (x, t, d) => L1LossBackward(1.5, 0, x, t, Reduction.Mean, d),
            (x, t, d) => HuberLossBackward(1.5, 0, x, t, Reduction.Sum, 1.0, d),
            (x, t, d) => BinaryCrossEntropyWithLogitsBackward(1.5, 0, x, t, Reduction.Mean, d),
            (x, t, d) => CrossEntropyBackward(1.5, 0, x, classes, Reduction.Mean, d),
            (x, t, d) => CrossEntropyBackward(1.5, 0, x, t, Reduction.Sum, d),
            (x, t, d) => NllBackward(1.5, 0, x, classes, Reduction.Sum, d),
        };

        foreach (var rule in rules)
        {
            var d64 = Tensor.Zeros(DType.Float64, 4, 5);
            var d32 = Tensor.Zeros(DType.Float32, 4, 5);
            rule(x64, t64, d64);
            rule(x32, t32, d32);
            for (int i = 0; i < 20; i++)
            {
                // Each element is one double computation rounded to float (and added to a float 0): half an ulp.
                Assert.True(Math.Abs(d64.Doubles[i] - d32.Floats[i]) <= 6e-8 * Math.Max(1, Math.Abs(d64.Doubles[i])), $"element {i}: {d64.Doubles[i]:R} vs {d32.Floats[i]:R}");
            }
        }
    }

    [Fact]
    public void The_Float32_losses_equal_the_Float64_losses_of_the_same_values()
    {
        var x32 = TensorGradCheck.Random([4, 5], new Random(15), -3, 3).To(DType.Float32);
        var t32 = TensorGradCheck.Random([4, 5], new Random(16), 0, 1).To(DType.Float32);
        var x64 = x32.To(DType.Float64);
        var t64 = t32.To(DType.Float64);

        // Both accumulate in double from the same values, so they agree to rounding in the last bits.
        Assert.Equal(MseLoss(x64, t64), MseLoss(x32, t32), 1e-14);
        Assert.Equal(BinaryCrossEntropyWithLogits(x64, t64), BinaryCrossEntropyWithLogits(x32, t32), 1e-14);
        Assert.Equal(CrossEntropy(x64, t64), CrossEntropy(x32, t32), 1e-14);
    }

    [Fact]
    public void A_rule_skips_a_null_gradient()
    {
        var x = Random(17, 2, 3);
        MseLossBackward(1, 0, x, x, Reduction.Mean, null);
        CrossEntropyBackward(1, 0, x, [0, 2], Reduction.Mean, null);
        NllBackward(1, 0, x, [0, 2], Reduction.Mean, null);
    }

    [Fact]
    public void Losses_and_rules_allocate_nothing()
    {
        var x = Tensor.Zeros(DType.Float32, 8, 10);
        var dx = Tensor.Zeros(DType.Float32, 8, 10);
        var labels = Tensor.Zeros(DType.Float32, 8);
        var probabilities = Tensor.Full(DType.Float32, 0.1, 8, 10);
        int[] classes = [0, 1, 2, 3, 4, 5, 6, 7];
        void Step()
        {
            double loss = CrossEntropy(x, classes);
            CrossEntropyBackward(1, loss, x, classes, Reduction.Mean, dx);
            loss = CrossEntropy(x, labels);
            CrossEntropyBackward(1, loss, x, labels, Reduction.Mean, dx);
            loss = CrossEntropy(x, probabilities);
            CrossEntropyBackward(1, loss, x, probabilities, Reduction.Mean, dx);
            loss = MseLoss(x, probabilities);
            MseLossBackward(1, loss, x, probabilities, Reduction.Mean, dx);
            loss = HuberLoss(x, probabilities);
            HuberLossBackward(1, loss, x, probabilities, Reduction.Mean, 1.0, dx);
            loss = BinaryCrossEntropyWithLogits(x, probabilities);
            BinaryCrossEntropyWithLogitsBackward(1, loss, x, probabilities, Reduction.Mean, dx);
            loss = Nll(x, labels);
            NllBackward(1, loss, x, labels, Reduction.Mean, dx);
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
