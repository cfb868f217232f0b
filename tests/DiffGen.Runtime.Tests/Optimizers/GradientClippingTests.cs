namespace DiffGen.Runtime.Tests.Optimizers;

/// <summary>Clipping by global norm (PyTorch's clip_grad_norm_) and by value (clip_grad_value_).</summary>
public sealed class GradientClippingTests
{
    private static Parameter WithGrad(DType dtype, params double[] grad)
    {
        var p = new Parameter(Tensor.Zeros(dtype, grad.Length));
        for (int i = 0; i < grad.Length; i++)
        {
            OptimizerTesting.Set(p.Grad, i, grad[i]);
        }

        return p;
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Norm_clipping_scales_all_gradients_by_max_norm_over_total_norm(DType dtype)
    {
        var a = WithGrad(dtype, 3, 4);
        var b = WithGrad(DType.Float64, 12);
        double total = GradientClipping.ClipGradNorm([a, b], maxNorm: 6.5);
        Assert.Equal(13, total, 12);
        double scale = 6.5 / (13 + 1e-6);
        double tolerance = dtype == DType.Float32 ? 1e-6 : 1e-15;
        Assert.Equal(3 * scale, OptimizerTesting.Get(a.Grad, 0), tolerance);
        Assert.Equal(4 * scale, OptimizerTesting.Get(a.Grad, 1), tolerance);
        Assert.Equal(12 * scale, b.Grad.Doubles[0], 14);
    }

    [Fact]
    public void Norm_clipping_leaves_gradients_under_the_maximum_alone()
    {
        var a = WithGrad(DType.Float32, 0.3, -0.4);
        Assert.Equal(0.5, GradientClipping.ClipGradNorm([a], maxNorm: 1), 7);
        Assert.Equal([0.3f, -0.4f], a.Grad.Floats.ToArray());
    }

    [Fact]
    public void Infinity_norm_is_the_largest_magnitude()
    {
        var a = WithGrad(DType.Float64, 1, -5);
        var b = WithGrad(DType.Float64, 2);
        Assert.Equal(5, GradientClipping.ClipGradNorm([a, b], maxNorm: 2.5, normType: double.PositiveInfinity));
        Assert.Equal(-5 * 2.5 / (5 + 1e-6), a.Grad.Doubles[1], 15);
    }

    [Fact]
    public void One_norm_sums_magnitudes()
    {
        var a = WithGrad(DType.Float64, 1, -2);
        var b = WithGrad(DType.Float64, 3);
        Assert.Equal(6, GradientClipping.ClipGradNorm([a, b], maxNorm: 10, normType: 1), 15);
        Assert.Equal(Math.Pow(1 + 8 + 27, 1.0 / 3), GradientClipping.ClipGradNorm([a, b], maxNorm: 10, normType: 3), 14);
    }

    [Fact]
    public void Parameters_that_do_not_require_grad_are_left_out()
    {
        var a = WithGrad(DType.Float64, 3, 4);
        var frozen = WithGrad(DType.Float64, 100);
        frozen.RequiresGrad = false;
        Assert.Equal(5, GradientClipping.ClipGradNorm([a, frozen], maxNorm: 1), 15);
        Assert.Equal(100, frozen.Grad.Doubles[0]);
        GradientClipping.ClipGradValue([frozen], 1);
        Assert.Equal(100, frozen.Grad.Doubles[0]);
    }

    [Fact]
    public void A_non_finite_norm_throws_when_asked_and_changes_nothing()
    {
        var a = WithGrad(DType.Float32, 1, float.NaN);
        var b = WithGrad(DType.Float32, 2);
        var error = Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipGradNorm([a, b], 1, errorIfNonfinite: true));
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Equal(2f, b.Grad.Floats[0]);

        // PyTorch's default: scaled by NaN.
        Assert.True(double.IsNaN(GradientClipping.ClipGradNorm([a, b], 1)));
        Assert.True(float.IsNaN(b.Grad.Floats[0]));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Value_clipping_clamps_each_element(DType dtype)
    {
        var a = WithGrad(dtype, -3, 0.5, 2, double.NaN);
        GradientClipping.ClipGradValue([a], 1);
        Assert.Equal(-1, OptimizerTesting.Get(a.Grad, 0));
        Assert.Equal(0.5, OptimizerTesting.Get(a.Grad, 1));
        Assert.Equal(1, OptimizerTesting.Get(a.Grad, 2));
        Assert.True(double.IsNaN(OptimizerTesting.Get(a.Grad, 3)));
    }

    [Fact]
    public void Invalid_clipping_options_fail_naming_the_option()
    {
        var a = WithGrad(DType.Float32, 1);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([a], -1)).ParamName);
        Assert.Equal("normType", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([a], 1, normType: 0)).ParamName);
        Assert.Equal("clipValue", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue([a], -1)).ParamName);
    }

    [Fact]
    public void A_lazy_sequence_of_parameters_is_enumerated_once()
    {
        var a = WithGrad(DType.Float64, 3, 4);
        int enumerations = 0;
        IEnumerable<Parameter> Lazy()
        {
            enumerations++;
            yield return a;
        }

        Assert.Equal(5, GradientClipping.ClipGradNorm(Lazy(), 1), 15);
        Assert.Equal(1, enumerations);
        Assert.Equal(0.6 / (1 + 2e-7), a.Grad.Doubles[0], 6);
    }
}
