namespace DiffGen.EndToEnd.Tests.Models;

/// <summary>
/// [Model] classes and instance [Differentiable] methods on tensors: parameters found at compile time, gradients that
/// accumulate into Parameter.Grad, sub-models in fields, arrays and lists, a loop over layers, a scalar hyper-parameter,
/// and user-defined tensor operations with their own backward rules.
/// </summary>
public class ModelTests
{
    private static (Network Net, Tensor X, Tensor Target) Problem(int seed = 7)
    {
        var random = new Random(seed);
        var net = new Network(random);
        return (net, UserOps.Random(random, 5, 3), UserOps.Random(random, 5, 2));
    }

    [Fact]
    public void Parameters_have_dotted_names_in_declaration_order()
    {
        var (net, _, _) = Problem();

        var names = net.NamedParameters().Select(p => p.Name).ToArray();

        Assert.Equal(
            ["input.Weight", "input.Bias", "Hidden.0.Weight", "Hidden.0.Bias", "Hidden.1.Weight", "Hidden.1.Bias", "OutputScale"],
            names);
        Assert.Equal(net.NamedParameters().Select(p => p.Parameter), net.Parameters());
        Assert.Same(net.Hidden[1].Bias, net.NamedParameters()[5].Parameter);
    }

    [Fact]
    public void A_parameter_shared_by_two_members_is_listed_once()
    {
        var shared = new SharedWeights();

        Assert.Equal(["First", "Second"], shared.NamedParameters().Select(p => p.Name));
        Assert.Equal(2, shared.Parameters().Count);
    }

    [Fact]
    public void Gradients_of_every_parameter_match_finite_differences()
    {
        var (net, x, target) = Problem();

        var result = GradCheck.Parameters(
            net.Parameters(),
            () => net.Loss(x, target, 0.8),
            () => net.LossWithGradient(x, target, 0.8, out _),
            Check.Options);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void A_foreach_over_layers_gives_the_same_gradients_as_a_for_loop()
    {
        var (net, x, target) = Problem();
        double expected = net.LossWithGradient(x, target, 0.8, out double dt);
        var grads = net.Parameters().Select(p => p.Grad.Doubles.ToArray()).ToArray();
        net.ZeroGrad();

        double actual = net.LossOverLayersWithGradient(x, target, 0.8, out double dtOverLayers);

        Assert.Equal(expected, actual);
        Assert.Equal(dt, dtOverLayers);
        Assert.Equal(grads, net.Parameters().Select(p => p.Grad.Doubles.ToArray()).ToArray());
    }

    [Fact]
    public void The_gradient_of_a_scalar_hyper_parameter_matches_finite_differences()
    {
        var (net, x, target) = Problem(11);

        Check.Gradient(
            t => net.Loss(x, target, t[0]),
            (t, g) =>
            {
                double value = net.LossWithGradient(x, target, t[0], out double dt);
                g[0] = dt;
                return value;
            },
            [0.7]);
    }

    [Fact]
    public void Gradients_add_up_until_ZeroGrad()
    {
        var (net, x, target) = Problem();
        net.LossWithGradient(x, target, 0.8, out _);
        var once = net.Parameters().Select(p => p.Grad.Doubles.ToArray()).ToArray();

        net.LossWithGradient(x, target, 0.8, out _);
        var twice = net.Parameters().Select(p => p.Grad.Doubles.ToArray()).ToArray();
        net.ZeroGrad();

        for (int i = 0; i < once.Length; i++)
        {
            Assert.Contains(once[i], v => v != 0);
            for (int j = 0; j < once[i].Length; j++)
            {
                // The second pass adds its terms onto the first one's sum: equal up to rounding of the reassociation.
                Assert.Equal(2 * once[i][j], twice[i][j], 1e-14 * Math.Max(1, Math.Abs(once[i][j])));
            }
        }

        Assert.All(net.Parameters(), p => Assert.All(p.Grad.Doubles.ToArray(), v => Assert.Equal(0, v)));
    }

    [Fact]
    public void The_value_with_gradient_equals_the_value()
    {
        var (net, x, target) = Problem();

        Assert.Equal(net.Loss(x, target, 0.8), net.LossWithGradient(x, target, 0.8, out _));
    }

    [Fact]
    public void Train_and_Eval_reach_every_sub_model()
    {
        var (net, _, _) = Problem();

        net.Eval();
        Assert.False(net.Training);
        Assert.All(net.Hidden, layer => Assert.False(layer.Training));

        net.Train();
        Assert.True(net.Training);
        Assert.All(net.Hidden, layer => Assert.True(layer.Training));
    }

    [Fact]
    public void A_tensor_argument_gets_its_gradient_unless_it_is_NoDiff()
    {
        var random = new Random(3);
        var layer = new Dense(random, 3, 2);
        var x = UserOps.Random(random, 4, 3);
        var target = UserOps.Random(random, 4, 2);
        var dx = Tensor.Zeros(DType.Float64, 4, 3);

        // Σ over the input's gradient, checked coordinate by coordinate.
        var point = x.Doubles.ToArray();
        Check.Gradient(
            v => layer.Error(Tensor.FromArray(v.ToArray(), 4, 3), target),
            (v, g) =>
            {
                dx.Clear();
                double value = layer.ErrorWithGradient(Tensor.FromArray(v.ToArray(), 4, 3), target, dx);
                dx.Doubles.CopyTo(g);
                return value;
            },
            point);
    }
}

/// <summary>Two members that hold the same parameter.</summary>
[Model]
public partial class SharedWeights
{
    private static readonly Parameter Common = Tensor.Zeros(DType.Float64, 2);

    public Parameter First { get; } = Common;

    public Parameter Again { get; } = Common;

    public Parameter Second { get; } = Tensor.Zeros(DType.Float64, 3);
}

public partial class Dense
{
    /// <summary>A loss with a differentiable tensor input: its gradient is an output.</summary>
    [Differentiable]
    public double Error(Tensor x, [NoDiff] Tensor target) => UserOps.SquaredError(Forward(x), target);
}
