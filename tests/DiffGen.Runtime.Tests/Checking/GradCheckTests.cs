namespace DiffGen.Runtime.Tests.Checking;

public class GradCheckTests
{
    private static double Quadratic(ReadOnlySpan<double> x) => 3 * x[0] * x[0] + x[0] * x[1] + Math.Sin(x[1]);

    private static double QuadraticWithGradient(ReadOnlySpan<double> x, Span<double> g)
    {
        g[0] = 6 * x[0] + x[1];
        g[1] = x[0] + Math.Cos(x[1]);
        return Quadratic(x);
    }

    [Fact]
    public void A_correct_gradient_passes_with_errors_near_rounding()
    {
        var result = GradCheck.Run(Quadratic, QuadraticWithGradient, [0.3, -1.2]);

        Assert.True(result.Passed, result.ToString());
        Assert.True(result.WorstRelativeError < 1e-9, result.ToString());
        Assert.Equal(0, result.ValueError);
        // Six points, each with both axes and four random directions.
        Assert.Equal(6 * (2 + 4), result.Checks);
    }

    [Fact]
    public void A_wrong_component_fails_and_is_named()
    {
        var result = GradCheck.Run(Quadratic, (x, g) =>
        {
            double value = QuadraticWithGradient(x, g);
            g[1] *= 1.01;
            return value;
        }, [0.3, -1.2]);

        Assert.False(result.Passed);
        Assert.True(result.WorstRelativeError > 1e-3);
        var error = Assert.Throws<GradCheckException>(() => result.ThrowIfFailed());
        Assert.Contains("FAILED", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_worst_axis_points_at_the_wrong_component()
    {
        var result = GradCheck.Run(Quadratic, (x, g) =>
        {
            double value = QuadraticWithGradient(x, g);
            g[0] += 0.5;
            return value;
        }, [0.3, -1.2], new GradCheckOptions { DirectionsPerPoint = 0 });

        Assert.Equal(0, result.WorstAxis);
        Assert.Contains("coordinate 0", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_returned_value_that_differs_from_the_function_fails()
    {
        var result = GradCheck.Run(Quadratic, (x, g) => QuadraticWithGradient(x, g) + 1e-3, [0.3, -1.2]);

        Assert.False(result.Passed);
        Assert.True(result.ValueError > 1e-5);
        Assert.Contains("returned value differs", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kink_at_the_point_is_skipped_not_failed()
    {
        // |x| at 0: the symmetric stencil alone would average the slopes to 0, which equals the subgradient 0.
        // The one-sided check finds the kink and skips the comparison.
        var result = GradCheck.Run(x => Math.Abs(x[0]), (x, g) =>
        {
            g[0] = x[0] > 0 ? 1 : x[0] < 0 ? -1 : 0;
            return Math.Abs(x[0]);
        }, [0.0], new GradCheckOptions { Points = 1, DirectionsPerPoint = 2 });

        Assert.Equal(0, result.Checks);
        Assert.Equal(3, result.NonSmoothSkipped);
        Assert.False(result.Passed);
        Assert.Contains("no direction could be compared", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_checks_the_same_points()
    {
        var first = GradCheck.Run(Quadratic, QuadraticWithGradient, [0.3, -1.2], new GradCheckOptions { Seed = 7 });
        var second = GradCheck.Run(Quadratic, QuadraticWithGradient, [0.3, -1.2], new GradCheckOptions { Seed = 7 });

        Assert.Equal(first.WorstRelativeError, second.WorstRelativeError);
        Assert.Equal(first.WorstPoint, second.WorstPoint);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_option_named()
    {
        Assert.Throws<ArgumentException>(() => GradCheck.Run(Quadratic, QuadraticWithGradient, []));
        var nan = Assert.Throws<ArgumentException>(() => GradCheck.Run(Quadratic, QuadraticWithGradient, [double.NaN, 0]));
        Assert.Contains("coordinate 0 is NaN", nan.Message, StringComparison.Ordinal);
        var step = Assert.Throws<ArgumentException>(() => GradCheck.Run(Quadratic, QuadraticWithGradient, [0, 0], new GradCheckOptions { Step = 0 }));
        Assert.Contains("Step", step.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GradCheck.Run(Quadratic, QuadraticWithGradient, [0, 0], new GradCheckOptions { Points = 0 }));
        Assert.Throws<ArgumentNullException>(() => GradCheck.Run(null!, QuadraticWithGradient, [0, 0]));
    }
}
