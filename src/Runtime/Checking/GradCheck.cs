using System;
using System.Globalization;
using System.Text;

namespace DiffGen;

/// <summary>A scalar function of a vector, for <see cref="GradCheck"/>.</summary>
/// <param name="x">The point.</param>
/// <returns>The value at <paramref name="x"/>.</returns>
public delegate double Objective(ReadOnlySpan<double> x);

/// <summary>A scalar function of a vector that also writes its gradient, for <see cref="GradCheck"/>.</summary>
/// <param name="x">The point.</param>
/// <param name="gradient">Receives the gradient at <paramref name="x"/>; as long as <paramref name="x"/>.</param>
/// <returns>The value at <paramref name="x"/>.</returns>
public delegate double ObjectiveWithGradient(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Settings of a <see cref="GradCheck"/> run. The defaults suit functions whose inputs are of order one.</summary>
public sealed record GradCheckOptions
{
    /// <summary>How many points are checked: the given point, then random points around it. Default 6.</summary>
    public int Points { get; init; } = 6;

    /// <summary>How many random directions are checked at each point. Default 4.</summary>
    public int DirectionsPerPoint { get; init; } = 4;

    /// <summary>
    /// Whether every coordinate axis is also checked at each point (so that a wrong component is named), for inputs of
    /// at most <see cref="MaxCoordinateChecks"/> coordinates. Default <see langword="true"/>.
    /// </summary>
    public bool CheckCoordinates { get; init; } = true;

    /// <summary>The largest input size for which coordinate axes are checked. Default 64.</summary>
    public int MaxCoordinateChecks { get; init; } = 64;

    /// <summary>The standard deviation of the random offsets of the points after the first. Default 0.5.</summary>
    public double Spread { get; init; } = 0.5;

    /// <summary>The finite-difference step, relative to <c>max(1, |x|∞)</c>. Default 1e-3 (the stencil is fourth order).</summary>
    public double Step { get; init; } = 1e-3;

    /// <summary>The largest relative error that passes. Default 1e-6.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>The seed of the random points and directions; the same seed checks the same points.</summary>
    public int Seed { get; init; } = 20240601;
}

/// <summary>
/// Compares a gradient against central finite differences in double precision, at random points and along random
/// directions, like <c>torch.autograd.gradcheck</c>. Call it from your own tests.
/// </summary>
/// <remarks>
/// <para>
/// For each point <c>x</c> and unit direction <c>u</c> it compares the directional derivative <c>∇f(x)·u</c> with the
/// fourth-order central difference <c>[8(f(x+hu) − f(x−hu)) − (f(x+2hu) − f(x−2hu))] / 12h</c>. The error is
/// <c>|fd − ∇f·u| / max(|fd|, |∇f·u|, 1e-6·(1 + |f(x)|))</c>: relative where the derivative is not tiny, absolute
/// (scaled by the function's size) where it is.
/// </para>
/// <para>
/// Where the finite differences at steps <c>h</c> and <c>h/2</c> disagree, <c>f</c> is not smooth there (a branch or
/// a kink lies within the stencil), so the comparison means nothing: that check is skipped and counted in
/// <see cref="GradCheckResult.NonSmoothSkipped"/>. The value the gradient function returns is also compared with
/// <c>f(x)</c>.
/// </para>
/// </remarks>
public static partial class GradCheck
{
    /// <summary>Checks <paramref name="withGradient"/> against finite differences of <paramref name="function"/> around <paramref name="point"/>.</summary>
    /// <param name="function">The function.</param>
    /// <param name="withGradient">The function with its gradient (a generated <c>...WithGradient</c>, adapted).</param>
    /// <param name="point">The first point; the others are random points around it.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The worst error found and where.</returns>
    /// <exception cref="ArgumentNullException">A delegate is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The point is empty or not finite, or an option is out of range.</exception>
    public static GradCheckResult Run(Objective function, ObjectiveWithGradient withGradient, ReadOnlySpan<double> point, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(withGradient);
        options ??= new GradCheckOptions();
        Validate(options);
        if (point.IsEmpty)
        {
            throw new ArgumentException("The point has no coordinates; a gradient check needs at least one.", nameof(point));
        }

        for (int i = 0; i < point.Length; i++)
        {
            if (!double.IsFinite(point[i]))
            {
                throw new ArgumentException($"The point's coordinate {i} is {point[i].ToString(CultureInfo.InvariantCulture)}; it must be finite.", nameof(point));
            }
        }

        int n = point.Length;
        var random = new Random(options.Seed);
        var x = new double[n];
        var probe = new double[n];
        var gradient = new double[n];
        var direction = new double[n];
        var state = new Worst(options.Tolerance);

        for (int p = 0; p < options.Points; p++)
        {
            for (int i = 0; i < n; i++)
            {
                x[i] = point[i] + (p == 0 ? 0 : options.Spread * Gaussian(random));
            }

            double value = function(x);
            Array.Fill(gradient, double.NaN);
            double valueFromGradient = withGradient(x, gradient);
            state.Value(x, value, valueFromGradient);
            if (!double.IsFinite(value))
            {
                continue;
            }

            double h = options.Step * Math.Max(1, MaxAbs(x));
            double floor = 1e-6 * (1 + Math.Abs(value));
            int axes = options.CheckCoordinates && n <= options.MaxCoordinateChecks ? n : 0;
            for (int d = 0; d < axes + options.DirectionsPerPoint; d++)
            {
                if (d < axes)
                {
                    Array.Clear(direction);
                    direction[d] = 1;
                }
                else
                {
                    RandomUnit(random, direction);
                }

                double analytic = Dot(gradient, direction);
                double fd = Difference(function, x, direction, h, probe);
                double fdHalf = Difference(function, x, direction, h / 2, probe);
                if (!double.IsFinite(fd) || !double.IsFinite(fdHalf)
                    || Math.Abs(fd - fdHalf) > options.Tolerance * Math.Max(Math.Max(Math.Abs(fd), Math.Abs(fdHalf)), floor)
                    || HasKinkAt(function, x, direction, h / 10, value, probe, floor))
                {
                    state.NonSmoothSkipped++;
                    continue;
                }

                double error = Math.Abs(fd - analytic) / Math.Max(Math.Max(Math.Abs(fd), Math.Abs(analytic)), floor);
                if (double.IsNaN(error))
                {
                    error = double.PositiveInfinity;
                }

                state.Direction(x, direction, d < axes ? d : -1, fd, analytic, error);
            }
        }

        return state.ToResult();
    }

    private static void Validate(GradCheckOptions options)
    {
        if (options.Points < 1)
        {
            throw new ArgumentException($"GradCheckOptions.Points must be at least 1; it is {options.Points}.", nameof(options));
        }

        if (options.DirectionsPerPoint < 0)
        {
            throw new ArgumentException($"GradCheckOptions.DirectionsPerPoint must not be negative; it is {options.DirectionsPerPoint}.", nameof(options));
        }

        if (!(options.Step > 0) || !double.IsFinite(options.Step))
        {
            throw new ArgumentException($"GradCheckOptions.Step must be positive and finite; it is {options.Step.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
        }

        if (!(options.Tolerance > 0))
        {
            throw new ArgumentException($"GradCheckOptions.Tolerance must be positive; it is {options.Tolerance.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
        }

        if (!(options.Spread >= 0) || !double.IsFinite(options.Spread))
        {
            throw new ArgumentException($"GradCheckOptions.Spread must be finite and not negative; it is {options.Spread.ToString(CultureInfo.InvariantCulture)}.", nameof(options));
        }
    }

    private static double Difference(Objective function, double[] x, double[] u, double h, double[] probe)
    {
        double At(double t)
        {
            for (int i = 0; i < x.Length; i++)
            {
                probe[i] = x[i] + t * u[i];
            }

            return function(probe);
        }

        double near = At(h) - At(-h);
        double far = At(2 * h) - At(-2 * h);
        return (8 * near - far) / (12 * h);
    }

    /// <summary>
    /// Whether the one-sided slopes at x differ: a kink exactly at x (where symmetric stencils average the two slopes
    /// and agree with each other, so the central differences cannot tell).
    /// </summary>
    private static bool HasKinkAt(Objective function, double[] x, double[] u, double h, double value, double[] probe, double floor)
    {
        double At(double t)
        {
            for (int i = 0; i < x.Length; i++)
            {
                probe[i] = x[i] + t * u[i];
            }

            return function(probe);
        }

        // Second-order one-sided differences; on a smooth function they differ by O(h²·f‴).
        double forward = (-3 * value + 4 * At(h) - At(2 * h)) / (2 * h);
        double backward = (3 * value - 4 * At(-h) + At(-2 * h)) / (2 * h);
        return !(Math.Abs(forward - backward) <= 1e-4 * Math.Max(Math.Max(Math.Abs(forward), Math.Abs(backward)), floor));
    }

    private static double Gaussian(Random random)
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1].
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static void RandomUnit(Random random, double[] direction)
    {
        double norm;
        do
        {
            norm = 0;
            for (int i = 0; i < direction.Length; i++)
            {
                direction[i] = Gaussian(random);
                norm += direction[i] * direction[i];
            }
        }
        while (norm == 0);

        norm = Math.Sqrt(norm);
        for (int i = 0; i < direction.Length; i++)
        {
            direction[i] /= norm;
        }
    }

    private static double MaxAbs(double[] x)
    {
        double max = 0;
        foreach (double v in x)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private sealed class Worst(double tolerance)
    {
        private double _error;
        private double _valueError;
        private double[]? _point;
        private double[]? _direction;
        private int _axis = -1;
        private double _numerical;
        private double _analytic;
        private int _checks;

        public int NonSmoothSkipped { get; set; }

        public void Value(double[] x, double value, double fromGradient)
        {
            double error = value.Equals(fromGradient) ? 0 : Math.Abs(value - fromGradient) / Math.Max(1e-300, Math.Max(Math.Abs(value), Math.Abs(fromGradient)));
            if (double.IsNaN(error))
            {
                error = double.PositiveInfinity;
            }

            if (error > _valueError)
            {
                _valueError = error;
                _point ??= (double[])x.Clone();
            }
        }

        public void Direction(double[] x, double[] u, int axis, double numerical, double analytic, double error)
        {
            _checks++;
            if (error > _error || _direction is null)
            {
                _error = error;
                _point = (double[])x.Clone();
                _direction = (double[])u.Clone();
                _axis = axis;
                _numerical = numerical;
                _analytic = analytic;
            }
        }

        public GradCheckResult ToResult() => new(
            tolerance, Math.Max(_error, _valueError), _valueError, _checks, NonSmoothSkipped,
            _point ?? [], _direction ?? [], _axis, _numerical, _analytic);
    }
}

/// <summary>The outcome of a <see cref="GradCheck"/> run: the worst error and where it was found.</summary>
public sealed class GradCheckResult
{
    internal GradCheckResult(double tolerance, double worstRelativeError, double valueError, int checks, int nonSmoothSkipped,
        double[] worstPoint, double[] worstDirection, int worstAxis, double numerical, double analytic)
    {
        Tolerance = tolerance;
        WorstRelativeError = worstRelativeError;
        ValueError = valueError;
        Checks = checks;
        NonSmoothSkipped = nonSmoothSkipped;
        WorstPoint = worstPoint;
        WorstDirection = worstDirection;
        WorstAxis = worstAxis;
        Numerical = numerical;
        Analytic = analytic;
    }

    /// <summary>The tolerance the run used.</summary>
    public double Tolerance { get; }

    /// <summary>The worst error over all directions checked and over the returned values.</summary>
    public double WorstRelativeError { get; }

    /// <summary>The worst relative difference between the value the gradient function returned and the function's value.</summary>
    public double ValueError { get; }

    /// <summary>How many directional derivatives were compared.</summary>
    public int Checks { get; }

    /// <summary>How many comparisons were skipped because the function is not smooth within the stencil there.</summary>
    public int NonSmoothSkipped { get; }

    /// <summary>Whether at least one comparison was made and every error is within <see cref="Tolerance"/>.</summary>
    public bool Passed => Checks > 0 && WorstRelativeError <= Tolerance;

    /// <summary>The point of the worst comparison.</summary>
    public double[] WorstPoint { get; }

    /// <summary>The direction of the worst comparison.</summary>
    public double[] WorstDirection { get; }

    /// <summary>The coordinate axis of the worst comparison, or -1 if it was a random direction.</summary>
    public int WorstAxis { get; }

    /// <summary>The finite-difference directional derivative of the worst comparison.</summary>
    public double Numerical { get; }

    /// <summary>The gradient's directional derivative of the worst comparison.</summary>
    public double Analytic { get; }

    /// <summary>Throws <see cref="GradCheckException"/> with a description unless <see cref="Passed"/>.</summary>
    /// <returns>This result, for chaining.</returns>
    public GradCheckResult ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new GradCheckException(ToString());
        }

        return this;
    }

    /// <summary>Describes the outcome and the worst comparison.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"Gradient check {(Passed ? "passed" : "FAILED")}: worst relative error {WorstRelativeError:G3} (tolerance {Tolerance:G3}) over {Checks} directions");
        if (NonSmoothSkipped > 0)
        {
            text.Append(c, $", {NonSmoothSkipped} skipped where the function is not smooth");
        }

        if (Checks == 0)
        {
            text.Append("; no direction could be compared");
        }

        if (ValueError > 0)
        {
            text.Append(c, $"; the returned value differs from the function's by {ValueError:G3} relative");
        }

        if (WorstDirection.Length > 0)
        {
            string along = WorstAxis >= 0 ? $"coordinate {WorstAxis}" : "a random direction";
            text.Append(c, $". Worst along {along}: finite differences {Numerical:R}, gradient {Analytic:R}, at x = [");
            for (int i = 0; i < Math.Min(WorstPoint.Length, 8); i++)
            {
                text.Append(i > 0 ? ", " : string.Empty).Append(WorstPoint[i].ToString("G6", c));
            }

            text.Append(WorstPoint.Length > 8 ? ", ...]" : "]");
        }

        return text.Append('.').ToString();
    }
}

/// <summary>Thrown by <see cref="GradCheckResult.ThrowIfFailed"/> when a gradient does not match finite differences.</summary>
public sealed class GradCheckException : Exception
{
    /// <summary>Creates the exception with the description of the failed check.</summary>
    /// <param name="message">The description.</param>
    public GradCheckException(string message)
        : base(message)
    {
    }
}
