namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>Updates small enough to check by hand, and the places where PyTorch's code differs from its documentation.</summary>
public sealed class HandCheckedTests
{
    private static Parameter Scalars(DType dtype, params double[] values)
    {
        var tensor = Tensor.Zeros(dtype, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            OptimizerTesting.Set(tensor, i, values[i]);
        }

        return new Parameter(tensor);
    }

    private static void SetGrad(Parameter p, params double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            OptimizerTesting.Set(p.Grad, i, values[i]);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void First_sgd_step_is_theta_minus_lr_times_g(DType dtype)
    {
        var p = Scalars(dtype, 1.0, -2.0);
        SetGrad(p, 0.5, 0.25);
        new Sgd([p], lr: 0.1).Step();
        Assert.Equal(1.0 - 0.1 * 0.5, OptimizerTesting.Get(p.Value, 0), dtype == DType.Float32 ? 1e-7 : 1e-15);
        Assert.Equal(-2.0 - 0.1 * 0.25, OptimizerTesting.Get(p.Value, 1), dtype == DType.Float32 ? 1e-7 : 1e-15);
    }

    [Fact]
    public void Sgd_momentum_buffer_starts_as_the_gradient_without_dampening()
    {
        var p = Scalars(DType.Float64, 1.0);
        var sgd = new Sgd([p], lr: 0.1, momentum: 0.9, dampening: 0.5);
        SetGrad(p, 2.0);
        sgd.Step();
        Assert.Equal(1.0 - 0.1 * 2.0, p.Value.Doubles[0], 15);
        SetGrad(p, 1.0);
        sgd.Step();
        Assert.Equal(0.8 - 0.1 * (0.9 * 2.0 + 0.5 * 1.0), p.Value.Doubles[0], 15);
    }

    [Fact]
    public void Sgd_maximize_negates_the_gradient_before_weight_decay()
    {
        // PyTorch's code: d = -g + λθ = -1 + 0.5 = -0.5, so θ = 1 + 0.05. Its docs (negate last) would give 1.15.
        var p = Scalars(DType.Float64, 1.0);
        SetGrad(p, 1.0);
        new Sgd([p], lr: 0.1, weightDecay: 0.5, maximize: true).Step();
        Assert.Equal(1.05, p.Value.Doubles[0], 15);
    }

    [Fact]
    public void Adam_maximize_negates_the_gradient_before_weight_decay()
    {
        // d = -g + λθ = -1 + 2 = 1 > 0, so θ goes down (by about lr); negating last would make d = -3 and θ go up.
        var p = Scalars(DType.Float64, 1.0);
        SetGrad(p, 1.0);
        new Adam([p], lr: 0.1, weightDecay: 2.0, maximize: true).Step();
        Assert.Equal(0.9, p.Value.Doubles[0], 6);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void First_adam_step_moves_each_element_by_about_lr_against_the_gradient_sign(DType dtype)
    {
        var p = Scalars(dtype, 1.0, 1.0, 1.0);
        SetGrad(p, 3.0, -0.5, 0.0);
        new Adam([p], lr: 0.01).Step();
        Assert.Equal(1.0 - 0.01 * 3.0 / (3.0 + 1e-8), OptimizerTesting.Get(p.Value, 0), 7);
        Assert.Equal(1.0 + 0.01 * 0.5 / (0.5 + 1e-8), OptimizerTesting.Get(p.Value, 1), 7);
        Assert.Equal(1.0, OptimizerTesting.Get(p.Value, 2));
    }

    [Fact]
    public void Adam_adds_eps_after_the_bias_correction()
    {
        // m̂ = g, sqrt(v̂) = |g| at step 1, so the step is lr·g / (|g| + ε) = 0.1·0.5 with g = ε = 1e-8.
        // Adding ε before the bias correction, (sqrt(v) + ε) / sqrt(c2), would give a step of about 0.1·0.03.
        var p = Scalars(DType.Float64, 1.0);
        SetGrad(p, 1e-8);
        new Adam([p], lr: 0.1, eps: 1e-8).Step();
        Assert.Equal(1.0 - 0.05, p.Value.Doubles[0], 12);
    }

    [Fact]
    public void Amsgrad_keeps_the_maximum_of_the_raw_second_moment()
    {
        // β = (0.5, 0.5), ε = 0. Step 1 (g = 1): m = 0.5, v = 0.5, c1 = c2 = 0.5: step = lr.
        // Step 2 (g = 0): m = 0.25, v = 0.25, vmax = max(0.5, 0.25) = 0.5, c1 = c2 = 0.75:
        // step = (lr / 0.75)·0.25 / (sqrt(0.5) / sqrt(0.75)). A maximum over the bias-corrected v̂ (1 and 1/3) would
        // give (lr / 0.75)·0.25 / 1 instead.
        const double lr = 0.1;
        var p = Scalars(DType.Float64, 1.0);
        var adam = new Adam([p], lr: lr, betas: (0.5, 0.5), eps: 0, amsgrad: true);
        SetGrad(p, 1.0);
        adam.Step();
        Assert.Equal(1.0 - lr, p.Value.Doubles[0], 15);
        SetGrad(p, 0.0);
        adam.Step();
        double expected = 1.0 - lr - lr / 0.75 * 0.25 / (Math.Sqrt(0.5) / Math.Sqrt(0.75));
        Assert.Equal(expected, p.Value.Doubles[0], 14);
    }

    [Fact]
    public void AdamW_decays_the_parameter_directly()
    {
        // With a zero gradient the Adam part moves nothing: θ = θ·(1 − γλ) = 2·(1 − 0.1·0.5).
        var p = Scalars(DType.Float64, 2.0);
        new AdamW([p], lr: 0.1, weightDecay: 0.5).Step();
        Assert.Equal(1.9, p.Value.Doubles[0], 15);
    }

    [Fact]
    public void Adam_weight_decay_is_added_to_the_gradient()
    {
        // With a zero gradient d = λθ, so the first step is about lr against sign(θ), not a multiplication.
        var p = Scalars(DType.Float64, 2.0);
        new Adam([p], lr: 0.1, weightDecay: 0.5).Step();
        Assert.Equal(1.9, p.Value.Doubles[0], 7);
        var q = Scalars(DType.Float64, 20.0);
        new Adam([q], lr: 0.1, weightDecay: 0.5).Step();
        Assert.Equal(19.9, q.Value.Doubles[0], 7);
    }

    [Fact]
    public void Adagrad_decays_the_learning_rate_by_step()
    {
        // Step 1: sum = 4, θ = 1 − 0.5·2/2 = 0.5. Step 2: clr = 0.5/(1 + 0.5), sum = 8, θ = 0.5 − clr·2/sqrt(8).
        var p = Scalars(DType.Float64, 1.0);
        var adagrad = new Adagrad([p], lr: 0.5, lrDecay: 0.5, eps: 0);
        SetGrad(p, 2.0);
        adagrad.Step();
        Assert.Equal(0.5, p.Value.Doubles[0], 15);
        adagrad.Step();
        Assert.Equal(0.5 - 0.5 / 1.5 * 2.0 / Math.Sqrt(8), p.Value.Doubles[0], 15);
    }

    [Fact]
    public void Adamax_uses_the_infinity_norm()
    {
        // Step 1: m = 0.1·4 = 0.4, u = max(0, 4 + ε), θ = 1 − (lr/0.1)·0.4/4 = 1 − lr.
        var p = Scalars(DType.Float64, 1.0);
        SetGrad(p, 4.0);
        new Adamax([p], lr: 0.01, eps: 0).Step();
        Assert.Equal(0.99, p.Value.Doubles[0], 15);
    }

    [Fact]
    public void Parameters_that_do_not_require_grad_are_not_updated_and_get_no_state()
    {
        var frozen = Scalars(DType.Float32, 1.0, 2.0);
        var trained = Scalars(DType.Float32, 1.0, 2.0);
        frozen.RequiresGrad = false;
        SetGrad(frozen, 1.0, 1.0);
        SetGrad(trained, 1.0, 1.0);
        var adam = new Adam([frozen, trained], lr: 0.1, weightDecay: 0.1);
        adam.Step();
        Assert.Equal([1.0f, 2.0f], frozen.Value.Floats.ToArray());
        Assert.NotEqual(1.0f, trained.Value.Floats[0]);
        var state = adam.SaveState();
        Assert.DoesNotContain("state.0.step", state.Values.Keys);
        Assert.Contains("state.1.step", state.Values.Keys);
    }

    [Fact]
    public void ZeroGrad_clears_every_gradient()
    {
        var a = Scalars(DType.Float32, 1.0);
        var b = Scalars(DType.Float64, 1.0);
        b.RequiresGrad = false;
        SetGrad(a, 3.0);
        SetGrad(b, 3.0);
        new Sgd([a, b]).ZeroGrad();
        Assert.Equal(0f, a.Grad.Floats[0]);
        Assert.Equal(0.0, b.Grad.Doubles[0]);
    }

    [Fact]
    public void Float32_and_Float64_parameters_can_share_an_optimizer()
    {
        var a = Scalars(DType.Float32, 1.0);
        var b = Scalars(DType.Float64, 1.0);
        SetGrad(a, 1.0);
        SetGrad(b, 1.0);
        new Sgd([a, b], lr: 0.25).Step();
        Assert.Equal(0.75f, a.Value.Floats[0]);
        Assert.Equal(0.75, b.Value.Doubles[0]);
    }

    [Fact]
    public void Changing_a_parameters_element_type_after_it_has_state_fails_clearly()
    {
        var p = Scalars(DType.Float32, 1.0);
        var adam = new Adam([p]);
        adam.Step();
        p.ConvertTo(DType.Float64);
        var error = Assert.Throws<InvalidOperationException>(adam.Step);
        Assert.Contains("Float64", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Design_example_with_float_literals_compiles_and_runs()
    {
        var parameters = OptimizerTesting.CreateParameters(DType.Float32);
        var optimizer = new Sgd(parameters, lr: 0.001f, momentum: 0.9f);
        Assert.Equal(0.001f, (float)optimizer.LearningRate);
        var adam = new Adam(OptimizerTesting.CreateParameters(DType.Float32), lr: 3e-4f, betas: (0.9f, 0.98f));
        Assert.Equal(3e-4f, (float)adam.Groups[0].LearningRate);
    }
}
