namespace DiffGen.Generator.Tests.Support;

/// <summary>User code shared by several generator tests.</summary>
internal static class Sources
{
    public const string Objectives = """
        using System;
        using DiffGen;

        namespace Demo;

        public static partial class Fit
        {
            [Differentiable]
            public static double Rosenbrock(double x, double y)
                => Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2);

            [Differentiable]
            public static double Mse(ReadOnlySpan<double> theta, [NoDiff] ReadOnlySpan<double> xs, [NoDiff] ReadOnlySpan<double> ys, [NoDiff] int features)
            {
                int m = ys.Length;
                double sum = 0;
                for (int i = 0; i < m; i++)
                {
                    double h = theta[features];
                    for (int j = 0; j < features; j++)
                    {
                        h += theta[j] * xs[i * features + j];
                    }

                    double r = h - ys[i];
                    sum += r * r;
                }

                return sum / (2 * m);
            }

            [Differentiable]
            public static double Search(double[] xs, double limit)
            {
                double s = 0;
                for (int i = 0; i < xs.Length; i++)
                {
                    if (xs[i] < 0)
                    {
                        continue;
                    }

                    s = s * Math.Exp(-xs[i]) + xs[i] * limit;
                    if (s > limit)
                    {
                        return s * s;
                    }
                }

                return s;
            }

            [Differentiable]
            public static float Logistic(float w, float b, [NoDiff] float x, [NoDiff] float label)
            {
                float z = w * x + b;
                float p = 1f / (1f + MathF.Exp(-z));
                return label > 0.5f ? -MathF.Log(p) : -MathF.Log(1f - p);
            }

            [Differentiable]
            public static double Smooth(double[] xs)
            {
                Span<double> work = stackalloc double[xs.Length];
                for (int i = 0; i < xs.Length; i++)
                {
                    work[i] = Math.Tanh(xs[i]);
                }

                double total = 0;
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int i = 1; i < work.Length; i++)
                    {
                        work[i] = 0.5 * (work[i] + work[i - 1]);
                    }
                }

                foreach (double w in work)
                {
                    total += Math.Max(w, 0.1) * Rosenbrock(w, total);
                }

                return total;
            }
        }
        """;

    /// <summary>A model with a sub-model and a user-defined tensor operation with its backward rule.</summary>
    public const string Model = """
        using System;
        using DiffGen;

        namespace Demo;

        public static class Ops
        {
            public static Tensor Square(Tensor x) => x;

            [DerivativeOf(nameof(Square))]
            public static void SquareBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx) { }

            public static double Total(Tensor x) => 0;

            [DerivativeOf(nameof(Total))]
            public static void TotalBackward(double gradient, double result, Tensor x, Tensor? dx) { }
        }

        [Model]
        public partial class Layer
        {
            public Parameter Weight { get; } = Tensor.Zeros(2);

            [Differentiable]
            public Tensor Forward(Tensor x) => Ops.Square(Weight);
        }

        [Model]
        public partial class Net
        {
            private readonly Layer _first = new();

            public Layer[] Rest { get; } = [new Layer(), new Layer()];

            [Differentiable]
            public double Loss([NoDiff] Tensor x)
            {
                var h = _first.Forward(x);
                foreach (var layer in Rest)
                {
                    h = layer.Forward(h);
                }

                return Ops.Total(h);
            }
        }
        """;
}
