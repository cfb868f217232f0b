using DiffGen;

namespace DiffGen.EndToEnd.Tests.Objectives;

/// <summary>Loops whose only differentiable state is an accumulator: the generator fuses their reverse into the forward sweep.</summary>
public static partial class Reductions
{
    [Differentiable]
    public static double ContinueAndCounter(double[] xs, double scale)
    {
        double total = 0;
        int used = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            if (xs[i] < -1)
            {
                continue;
            }

            used++;
            double t = Math.Sin(xs[i] * scale) * xs[(i + used) % xs.Length];
            total += t * t;
        }

        return total / (1 + used);
    }

    [Differentiable]
    public static double NestedLoopsInside(double[] xs, double[] ws, [NoDiff] int features)
    {
        int n = xs.Length / features;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double h = ws[features];
            for (int j = 0; j < features; j++)
            {
                h += ws[j] * xs[i * features + j];
            }

            double p = 1 / (1 + Math.Exp(-h));
            loss -= Math.Log(p + 1e-3);
        }

        return loss / n;
    }

    [Differentiable]
    public static double CallsWithSpans(double[] xs, double k)
    {
        double[] shifted = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            shifted[i] = xs[i] - k;
        }

        double total = 0;
        for (int r = 0; r < 3; r++)
        {
            total += Basics.SumOfSquares(shifted) * (r + 1) + Constructs.Square(k * r);
        }

        return total;
    }

    [Differentiable]
    public static double WhileWithData(double x, double y)
    {
        double v = 0;
        int trips = 0;
        while (trips < 4 + (x > 0 ? 1 : 0))
        {
            v += Math.Exp(-x * trips) * y;
            trips++;
        }

        return v;
    }
}
