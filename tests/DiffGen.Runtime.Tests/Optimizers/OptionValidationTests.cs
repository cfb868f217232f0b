namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>Invalid options fail at construction, naming the option and the value.</summary>
public sealed class OptionValidationTests
{
    private static Parameter[] P() => OptimizerTesting.CreateParameters(DType.Float32);

    public static TheoryData<string> Kinds() => ["Sgd", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam"];

    private static Optimizer Create(string kind, double lr) => kind switch
    {
        "Sgd" => new Sgd(P(), lr: lr),
        "Adam" => new Adam(P(), lr: lr),
        "AdamW" => new AdamW(P(), lr: lr),
        "Adagrad" => new Adagrad(P(), lr: lr),
        "RMSprop" => new RMSprop(P(), lr: lr),
        "Adadelta" => new Adadelta(P(), lr: lr),
        "Adamax" => new Adamax(P(), lr: lr),
        _ => new NAdam(P(), lr: lr),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Negative_learning_rate_fails_naming_lr_and_the_value(string kind)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(kind, -0.5));
        Assert.Equal("lr", error.ParamName);
        Assert.Contains("lr must be a finite number >= 0; got -0.5.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void NaN_learning_rate_fails(string kind)
        => Assert.Throws<ArgumentOutOfRangeException>(() => Create(kind, double.NaN));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Kind_is_the_class_name(string kind) => Assert.Equal(kind, Create(kind, 0.1).Kind);

    [Fact]
    public void Nesterov_without_momentum_fails()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), nesterov: true));
        Assert.Equal("nesterov", error.ParamName);
        Assert.Contains("nesterov requires momentum > 0 and dampening = 0; got momentum 0 and dampening 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesterov_with_dampening_fails()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), momentum: 0.9, dampening: 0.1, nesterov: true));
        Assert.Contains("got momentum 0.9 and dampening 0.1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0, 0.999, "betas.Beta1", "in [0, 1); got 1.")]
    [InlineData(0.9, 1.5, "betas.Beta2", "in [0, 1); got 1.5.")]
    [InlineData(-0.1, 0.999, "betas.Beta1", "in [0, 1); got -0.1.")]
    public void Betas_outside_zero_to_one_fail(double beta1, double beta2, string name, string text)
    {
        foreach (var create in new Func<Optimizer>[]
        {
            () => new Adam(P(), betas: (beta1, beta2)),
            () => new AdamW(P(), betas: (beta1, beta2)),
            () => new Adamax(P(), betas: (beta1, beta2)),
            () => new NAdam(P(), betas: (beta1, beta2)),
        })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(create);
            Assert.Equal(name, error.ParamName);
            Assert.Contains(text, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Negative_eps_fails_for_every_optimizer_that_has_it()
    {
        foreach (var create in new Func<Optimizer>[]
        {
            () => new Adam(P(), eps: -1e-8), () => new AdamW(P(), eps: -1e-8), () => new Adagrad(P(), eps: -1e-8),
            () => new RMSprop(P(), eps: -1e-8), () => new Adadelta(P(), eps: -1e-8), () => new Adamax(P(), eps: -1e-8),
            () => new NAdam(P(), eps: -1e-8),
        })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(create);
            Assert.Equal("eps", error.ParamName);
            Assert.Contains("got -1E-08.", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Negative_weight_decay_fails_for_every_optimizer()
    {
        foreach (var create in new Func<Optimizer>[]
        {
            () => new Sgd(P(), weightDecay: -1), () => new Adam(P(), weightDecay: -1), () => new AdamW(P(), weightDecay: -1),
            () => new Adagrad(P(), weightDecay: -1), () => new RMSprop(P(), weightDecay: -1), () => new Adadelta(P(), weightDecay: -1),
            () => new Adamax(P(), weightDecay: -1), () => new NAdam(P(), weightDecay: -1),
        })
        {
            Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(create).ParamName);
        }
    }

    [Fact]
    public void Other_out_of_range_options_fail_naming_the_option()
    {
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), momentum: -0.9)).ParamName);
        Assert.Equal("dampening", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), momentum: 0.9, dampening: 1.5)).ParamName);
        Assert.Equal("lrDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(P(), lrDecay: -1)).ParamName);
        Assert.Equal("initialAccumulatorValue", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(P(), initialAccumulatorValue: -1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(P(), alpha: 1.5)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(P(), momentum: -1)).ParamName);
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new Adadelta(P(), rho: 1.1)).ParamName);
        Assert.Equal("momentumDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new NAdam(P(), momentumDecay: -1)).ParamName);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(P(), lr: double.PositiveInfinity)).ParamName);
    }

    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var state = new Adam(P()).SaveState().Values;
        Assert.Equal("0.001", state["param_groups.0.lr"]);
        Assert.Equal("0.9,0.999", state["param_groups.0.betas"]);
        Assert.Equal("1E-08", state["param_groups.0.eps"]);
        Assert.Equal("0", state["param_groups.0.weight_decay"]);
        Assert.Equal("0.01", new AdamW(P()).SaveState().Values["param_groups.0.weight_decay"]);
        Assert.Equal("0.001", new Sgd(P()).SaveState().Values["param_groups.0.lr"]);
        Assert.Equal("0.01", new Adagrad(P()).SaveState().Values["param_groups.0.lr"]);
        Assert.Equal("1E-10", new Adagrad(P()).SaveState().Values["param_groups.0.eps"]);
        var rmsprop = new RMSprop(P()).SaveState().Values;
        Assert.Equal("0.01", rmsprop["param_groups.0.lr"]);
        Assert.Equal("0.99", rmsprop["param_groups.0.alpha"]);
        var adadelta = new Adadelta(P()).SaveState().Values;
        Assert.Equal("1", adadelta["param_groups.0.lr"]);
        Assert.Equal("0.9", adadelta["param_groups.0.rho"]);
        Assert.Equal("1E-06", adadelta["param_groups.0.eps"]);
        Assert.Equal("0.002", new Adamax(P()).SaveState().Values["param_groups.0.lr"]);
        var nadam = new NAdam(P()).SaveState().Values;
        Assert.Equal("0.002", nadam["param_groups.0.lr"]);
        Assert.Equal("0.004", nadam["param_groups.0.momentum_decay"]);
    }

    [Fact]
    public void Empty_parameter_list_fails()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Parameter>()));
        Assert.Contains("empty parameter list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_given_twice_fails()
    {
        var p = P();
        var error = Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup(p), new ParameterGroup([p[1]])]));
        Assert.Contains("more than once (in parameter group 0 and in parameter group 1)", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Adam([p[0], p[0]]));
    }

    [Fact]
    public void A_group_that_sets_an_option_the_optimizer_does_not_have_fails()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup(P(), rho: 0.9)]));
        Assert.Equal("groups", error.ParamName);
        Assert.Contains("Parameter group 0 sets 'rho', which Sgd does not have; its options are lr, momentum, dampening, weight_decay, nesterov, maximize.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_group_override_fails_naming_the_group()
    {
        var p = P();
        var error = Assert.Throws<ArgumentException>(() => new Adam([new ParameterGroup([p[0]]), new ParameterGroup([p[1]], lr: -1)]));
        Assert.Equal("groups", error.ParamName);
        Assert.Contains("Parameter group 1: lr must be a finite number >= 0; got -1.", error.Message, StringComparison.Ordinal);
        var nesterov = Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup(p, nesterov: true)], momentum: 0.9, dampening: 0.5));
        Assert.Contains("Parameter group 0: nesterov requires", nesterov.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_an_invalid_learning_rate_fails_and_keeps_the_old_one()
    {
        var sgd = new Sgd(P(), lr: 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.Groups[0].LearningRate = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = double.NaN);
        Assert.Equal(0.1, sgd.LearningRate);
    }
}
