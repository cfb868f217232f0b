using DiffGen;
using static DiffGen.Differentiation;

namespace DiffGen.EndToEnd.Tests.Objectives;

/// <summary>One method per construct the generator differentiates; each is checked against finite differences.</summary>
public static partial class Constructs
{
    private const double Scale = 0.75;
    private static readonly double Offset = 0.3;

    // ---- arithmetic, locals, compound assignment

    [Differentiable]
    public static double Arithmetic(double a, double b, double c) => (a + b) * (a - c) / (1 + b * b) - -a * c;

    [Differentiable]
    public static double Reassigned(double x, double y)
    {
        double t = x * y;
        t = t * t + x;
        t = t / (1 + y * y);
        t -= x;
        t *= y;
        t /= 2.0;
        t += Scale * t;
        double u = t;
        u = -u;
        return u * t + Offset;
    }

    [Differentiable]
    public static double Increments(double x)
    {
        double v = x;
        v++;
        v *= v;
        v--;
        return v * x;
    }

    // ---- branches

    [Differentiable]
    public static double Branches(double x, double y)
    {
        double r;
        if (x > y)
        {
            r = x * x * y;
        }
        else if (x < -y)
        {
            r = Math.Sin(x) + y;
        }
        else
        {
            r = x - y * y;
        }

        r = y > 0 ? r * y : r - y;
        return r;
    }

    [Differentiable]
    public static double SwitchStatement(double x, [NoDiff] int mode)
    {
        double r = 0;
        switch (mode)
        {
            case 0:
                r = x * x;
                break;
            case 1:
            case 2:
                r = Math.Exp(x);
                break;
            default:
                r = x;
                break;
        }

        return r * x;
    }

    [Differentiable]
    public static double SwitchExpression(double x, double y) => (x - y) switch
    {
        < -1 => x * y,
        >= -1 and < 1 => x * x + y,
        _ => y * y - x,
    };

    [Differentiable]
    public static double ConditionOnDifferentiableValue(double x, double y)
    {
        double m = x * y;
        if (m > 0.5 && x < 2)
        {
            return m * m;
        }

        return m + x;
    }

    // ---- loops

    [Differentiable]
    public static double NestedLoops(double[] xs, [NoDiff] int rounds)
    {
        double s = 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                for (int j = i; j < xs.Length; j++)
                {
                    s += xs[i] * xs[j] / (1 + r);
                }
            }
        }

        return s;
    }

    [Differentiable]
    public static double WhileWithDataDependentTrips(double x)
    {
        // The number of halvings depends on x.
        double v = x * x + 1;
        double product = 1;
        while (v > 0.01)
        {
            product *= 1 + v;
            v = v / 3;
        }

        return product;
    }

    [Differentiable]
    public static double DoWhile(double x)
    {
        double v = x;
        int n = 0;
        do
        {
            v = Math.Sin(v) + 0.5 * v;
            n++;
        }
        while (n < 4);
        return v;
    }

    [Differentiable]
    public static double ForEachOverArray(double[] xs)
    {
        double s = 0;
        foreach (double x in xs)
        {
            s += x * x * x;
        }

        return s;
    }

    [Differentiable]
    public static double ForEachOverSpan(ReadOnlySpan<double> xs, [NoDiff] ReadOnlySpan<double> weights)
    {
        double s = 0;
        int i = 0;
        foreach (double x in xs)
        {
            s += weights[i] * Math.Cos(x);
            i++;
        }

        return s;
    }

    [Differentiable]
    public static double BreakAndContinue(double[] xs)
    {
        double s = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            if (xs[i] < -1)
            {
                continue;
            }

            s += xs[i] * s + xs[i];
            if (s > 4)
            {
                break;
            }
        }

        return s;
    }

    [Differentiable]
    public static double EarlyReturnFromLoop(double[] xs)
    {
        double product = 1;
        for (int i = 0; i < xs.Length; i++)
        {
            product *= xs[i];
            if (Math.Abs(product) > 3)
            {
                return product * 2;
            }
        }

        return product;
    }

    [Differentiable]
    public static double NonCountedFor(double x, [NoDiff] int n)
    {
        double v = x;
        int k = 0;
        for (int i = 0, j = n; i < j; i += 2, j--)
        {
            v = v * 0.9 + Math.Sin(v + i);
            k += j;
            if (v > 5)
            {
                break;
            }
        }

        return v + k;
    }

    [Differentiable]
    public static double ReverseCountedLoop(double[] xs)
    {
        double s = 0;
        for (int i = xs.Length - 1; i >= 0; i -= 1)
        {
            s = s * 0.5 + xs[i] * xs[i];
        }

        return s;
    }

    // ---- arrays and spans

    [Differentiable]
    public static double LocalArray(double[] xs)
    {
        int n = xs.Length;
        double[] prefix = new double[n];
        double running = 0;
        for (int i = 0; i < n; i++)
        {
            running += xs[i];
            prefix[i] = running * running;
        }

        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s += prefix[i] * xs[i];
        }

        return s;
    }

    [Differentiable]
    public static double OverwrittenElement(double[] xs)
    {
        double[] work = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            work[i] = xs[i];
        }

        double s = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            for (int i = 0; i < work.Length; i++)
            {
                s += work[i] * work[i];
                work[i] = Math.Sin(work[i]) * work[(i + 1) % work.Length];
            }
        }

        return s + work[0];
    }

    [Differentiable]
    public static double StackAllocSpan(double[] xs)
    {
        Span<double> buffer = stackalloc double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            buffer[i] = Math.Exp(xs[i]);
        }

        buffer[0] = buffer[0] * buffer[xs.Length - 1];
        double s = 0;
        foreach (double b in buffer)
        {
            s += Math.Log(1 + b);
        }

        return s;
    }

    [Differentiable]
    public static double ArrayCreatedInLoop(double[] xs)
    {
        double s = 0;
        for (int r = 0; r < 3; r++)
        {
            double[] scaled = new double[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                scaled[i] = xs[i] * (r + 1) + s;
            }

            for (int i = 0; i < xs.Length; i++)
            {
                s += scaled[i] * scaled[i] * 0.1;
            }
        }

        return s;
    }

    [Differentiable]
    public static double SpanInput(Span<double> xs, [NoDiff] double[] targets)
    {
        double s = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double d = xs[i] - targets[i];
            s += d * d;
        }

        return s / xs.Length;
    }

    // ---- math functions

    [Differentiable]
    public static double Trigonometry(double x, double y) =>
        Math.Sin(x) * Math.Cos(y) + Math.Tan(x * 0.3) + Math.Asin(x * 0.2) + Math.Acos(y * 0.2) + Math.Atan(x * y) + Math.Atan2(y, x + 3);

    [Differentiable]
    public static double Hyperbolic(double x, double y) => Math.Sinh(x) * Math.Cosh(y) + Math.Tanh(x - y);

    [Differentiable]
    public static double ExpAndLogs(double x, double y) =>
        Math.Exp(x) / Math.Log(y * y + 2) + Math.Log(x * x + 1, y * y + 2) + Math.Log10(y * y + 1) + Math.Log2(x * x + 3);

    [Differentiable]
    public static double Powers(double x, double y) =>
        Math.Sqrt(x * x + 1) + Math.Cbrt(y + 5) + Math.Pow(x * x + 1, y) + Math.Pow(y, 3) + Math.Pow(x * x + 2, 0.5);

    [Differentiable]
    public static double Piecewise(double x, double y) =>
        Math.Abs(x) * Math.Min(x, y) + Math.Max(x * y, y) + Math.Clamp(x, -0.5, 0.5) * y + Math.Clamp(y, x - 1, x + 1);

    [Differentiable]
    public static double FusedAndHypot(double x, double y, double z) =>
        Math.FusedMultiplyAdd(x, y, z) * double.Hypot(x, y) + double.Hypot(y, z);

    // Exercises the zero-derivative operations on purpose, so the analyzers' warning about them (DG0111) is off here.
#pragma warning disable DG0111
    [Differentiable]
    public static double ZeroDerivativeFunctions(double x, double y) =>
        x * Math.Floor(y) + Math.Ceiling(x) * y + Math.Round(x * 3) * Math.Truncate(y) + Math.Sign(x) * y + (int)(x * 4) * y + (x > y ? 1 : 0) * x;
#pragma warning restore DG0111

    [Differentiable]
    public static double GenericMathStatics(double x, double y) => double.Sin(x) * double.Exp(y) + double.Sqrt(x * x + y * y + 1) + double.Pow(x * x + 1, 1.5);

    [Differentiable]
    public static double StopGradient(double x, double y) => x * WithoutDerivative(x * y) + y;

    // ---- calls

    [Differentiable]
    public static double Square(double v) => v * v;

    [Differentiable]
    public static double CallsAnother(double x, double y) => Square(x + y) * Square(x) + Basics.Rosenbrock(x, y);

    [Differentiable]
    public static double CallsWithSpan(double[] xs, double k) => k * Basics.SumOfSquares(xs) + Square(k);

    [Differentiable]
    public static double Power(double x, [NoDiff] int n) => n == 0 ? 1 : x * Power(x, n - 1);

    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    [DerivativeOf(nameof(Softplus))]
    public static double SoftplusWithGradient(double x, out double dx)
    {
        // A custom (here: more stable) derivative: d/dx log(1 + e^x) = σ(x).
        dx = 1 / (1 + Math.Exp(-x));
        return Math.Log(1 + Math.Exp(x));
    }

    [Differentiable]
    public static double UsesCustomDerivative(double x, double y) => Softplus(x * y) * y;

    [Differentiable]
    public static double UsesRuleForAnotherType(double x) => Special.Erf(x) * x;

    [Differentiable]
    public static double CallsInLoop(double[] xs)
    {
        double s = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            s += Square(xs[i] - s * 0.1) + Softplus(xs[i]);
        }

        return s + Basics.SumOfSquares(xs) * CallsWithSpan(xs, s);
    }

    // ---- float

    [Differentiable]
    public static float FloatFunction(float x, float y) => MathF.Sin(x) * MathF.Exp(y * 0.5f) + MathF.Sqrt(x * x + 1) + float.Tanh(x * y);

    [Differentiable]
    public static double MixedPrecision(float x, double y)
    {
        float f = x * x;
        double d = f * y;
        return d + (float)(y * x);
    }
}

/// <summary>A type we pretend not to own, with a rule declared elsewhere.</summary>
public static class Special
{
    /// <summary>An approximation of erf (Abramowitz and Stegun 7.1.26), smooth enough to check.</summary>
    public static double Erf(double x) => Math.Tanh(1.2025 * x + 0.1 * x * x * x);
}

public static class SpecialRules
{
    [DerivativeOf(typeof(Special), nameof(Special.Erf))]
    public static double ErfWithGradient(double x, out double dx)
    {
        double t = Math.Tanh(1.2025 * x + 0.1 * x * x * x);
        dx = (1 - t * t) * (1.2025 + 0.3 * x * x);
        return t;
    }
}

/// <summary>Instance methods, nested types, fields read as constants, any accessibility.</summary>
public partial class Model
{
    private readonly double _weight;

    public Model(double weight) => _weight = weight;

    public double Bias { get; set; } = 0.25;

    [Differentiable]
    public double Predict(double x) => _weight * Math.Tanh(x) + Bias + Inner.Twice(x);

    [Differentiable]
    internal double Private(double x) => Hidden(x) * _weight;

    [Differentiable]
    private double Hidden(double x) => x * x * Bias;

    public static partial class Inner
    {
        [Differentiable]
        public static double Twice(double x) => 2 * x;
    }
}
