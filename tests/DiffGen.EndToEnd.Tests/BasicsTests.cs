using DiffGen.EndToEnd.Tests.Objectives;

namespace DiffGen.EndToEnd.Tests;

public class BasicsTests
{
    [Fact]
    public void Rosenbrock_gradient_matches_the_closed_form()
    {
        double value = Basics.RosenbrockWithGradient(1.5, 2.0, out double dx, out double dy);

        Assert.Equal(Basics.Rosenbrock(1.5, 2.0), value);
        // d/dx = -2(1 - x) - 400 x (y - x²), d/dy = 200 (y - x²)
        Assert.Equal(-2 * (1 - 1.5) - 400 * 1.5 * (2.0 - 2.25), dx, 12);
        Assert.Equal(200 * (2.0 - 2.25), dy, 12);
    }

    [Fact]
    public void Rosenbrock_gradient_matches_finite_differences()
    {
        Check.Gradient(
            p => Basics.Rosenbrock(p[0], p[1]),
            (p, g) => Basics.RosenbrockWithGradient(p[0], p[1], out g[0], out g[1]),
            [-1.2, 1.0]);
    }

    [Fact]
    public void Loop_over_an_array_matches_finite_differences()
    {
        Check.Gradient(
            p => Basics.SumOfSquares(p.ToArray()),
            (p, g) => Basics.SumOfSquaresWithGradient(p.ToArray(), g),
            [0.5, -1.5, 2.0, 0.25]);
    }

    [Fact]
    public void A_gradient_buffer_of_the_wrong_length_is_rejected_with_the_parameter_name()
    {
        var error = Assert.Throws<ArgumentException>(() => Basics.SumOfSquaresWithGradient([1.0, 2.0], new double[3]));
        Assert.Equal("dxs", error.ParamName);
        Assert.Contains("length 3", error.Message, StringComparison.Ordinal);
    }
}
