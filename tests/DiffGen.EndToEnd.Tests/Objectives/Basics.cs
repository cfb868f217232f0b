using DiffGen;

namespace DiffGen.EndToEnd.Tests.Objectives;

public static partial class Basics
{
    [Differentiable]
    public static double Rosenbrock(double x, double y)
        => Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2);

    [Differentiable]
    public static double SumOfSquares(double[] xs)
    {
        double sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            sum += xs[i] * xs[i];
        }

        return sum;
    }
}
