namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>Parameter groups with their own options, and learning rates set per group.</summary>
public sealed class ParameterGroupTests
{
    private static Parameter One(double value)
    {
        var p = new Parameter(Tensor.Full(DType.Float64, value, 1));
        p.Grad.Fill(1.0);
        return p;
    }

    [Fact]
    public void Groups_use_their_own_learning_rates()
    {
        var body = One(1.0);
        var head = One(1.0);
        var sgd = new Sgd([new ParameterGroup([body]), new ParameterGroup([head], lr: 0.01)], lr: 0.1);
        sgd.Step();
        Assert.Equal(0.9, body.Value.Doubles[0], 15);
        Assert.Equal(0.99, head.Value.Doubles[0], 15);
        Assert.Equal(0.1, sgd.Groups[0].LearningRate);
        Assert.Equal(0.01, sgd.Groups[1].LearningRate);
        Assert.Same(head, sgd.Groups[1].Parameters[0]);
        Assert.Equal([body, head], sgd.Parameters);
    }

    [Fact]
    public void A_group_overrides_only_the_options_it_sets()
    {
        var plain = One(1.0);
        var withMomentum = One(1.0);
        var sgd = new Sgd([new ParameterGroup([plain]), new ParameterGroup([withMomentum], momentum: 0.5)], lr: 0.1, weightDecay: 0.5);
        sgd.Step();
        sgd.Step();

        // Group 0: d = 1 + 0.5θ each step. Group 1: same d, with momentum 0.5 (b = d, then b = 0.5b + d).
        double p = 1.0;
        p -= 0.1 * (1 + 0.5 * p);
        p -= 0.1 * (1 + 0.5 * p);
        double q = 1.0, b = 1 + 0.5 * q;
        q -= 0.1 * b;
        b = 0.5 * b + (1 + 0.5 * q);
        q -= 0.1 * b;
        Assert.Equal(p, plain.Value.Doubles[0], 15);
        Assert.Equal(q, withMomentum.Value.Doubles[0], 15);
        var state = sgd.SaveState().Values;
        Assert.Equal("0", state["param_groups.0.momentum"]);
        Assert.Equal("0.5", state["param_groups.1.momentum"]);
        Assert.Equal("0.5", state["param_groups.1.weight_decay"]);
    }

    [Fact]
    public void Setting_one_groups_learning_rate_changes_only_that_group()
    {
        var a = One(1.0);
        var b = One(1.0);
        var adam = new Adam([new ParameterGroup([a]), new ParameterGroup([b])], lr: 0.1);
        adam.Groups[1].LearningRate = 0;
        adam.Step();
        Assert.NotEqual(1.0, a.Value.Doubles[0]);
        Assert.Equal(1.0, b.Value.Doubles[0]);
    }

    [Fact]
    public void Setting_the_optimizers_learning_rate_sets_every_group()
    {
        var sgd = new Sgd([new ParameterGroup([One(1)], lr: 0.5), new ParameterGroup([One(1)])], lr: 0.1);
        sgd.LearningRate = 0.2;
        Assert.Equal(0.2, sgd.Groups[0].LearningRate);
        Assert.Equal(0.2, sgd.Groups[1].LearningRate);
    }

    [Fact]
    public void Every_optimizer_accepts_groups_with_its_own_options()
    {
        ParameterGroup G(double? lr = null, double? weightDecay = null, double? momentum = null, (double, double)? betas = null, double? eps = null, bool? amsgrad = null, double? lrDecay = null, double? initialAccumulatorValue = null, double? alpha = null, bool? centered = null, double? rho = null, double? momentumDecay = null, bool? decoupledWeightDecay = null)
            => new([One(1)], lr, weightDecay, momentum, null, null, betas, eps, amsgrad, lrDecay, initialAccumulatorValue, alpha, centered, rho, momentumDecay, decoupledWeightDecay, maximize: true);

        Optimizer[] optimizers =
        [
            new Sgd([G(lr: 0.2, weightDecay: 0.1, momentum: 0.9), G()]),
            new Adam([G(betas: (0.5, 0.6), eps: 1e-3, amsgrad: true), G()]),
            new AdamW([G(weightDecay: 0.5, amsgrad: true), G()]),
            new Adagrad([G(lrDecay: 0.1, initialAccumulatorValue: 0.2, eps: 1e-3), G()]),
            new RMSprop([G(alpha: 0.5, centered: true, momentum: 0.5), G()]),
            new Adadelta([G(rho: 0.5, eps: 1e-3), G()]),
            new Adamax([G(betas: (0.5, 0.6)), G()]),
            new NAdam([G(momentumDecay: 0.1, decoupledWeightDecay: true, weightDecay: 0.1), G()]),
        ];
        foreach (var optimizer in optimizers)
        {
            optimizer.Step();
            var values = optimizer.SaveState().Values;
            Assert.Equal("true", values["param_groups.0.maximize"]);
            Assert.Equal(2, optimizer.Groups.Count);
        }
    }
}
