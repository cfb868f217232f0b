namespace DiffGen.Runtime.Tests.Support;

/// <summary>
/// Checks a tensor operation's backward rule against finite differences, in double precision: for a random upstream
/// gradient G, the rule's gradient with respect to each input must equal the derivative of Σ G ⊙ forward(inputs),
/// computed with a fourth-order central difference per element. Also checks that the rule adds into the gradients it
/// is given (calling it twice doubles them) and skips inputs whose gradient is null.
/// </summary>
internal static class TensorGradCheck
{
    /// <summary>Central differences of fourth order at h = 1e-3 agree with an exact derivative to about 1e-10 on smooth functions of order-one inputs.</summary>
    public const double Tolerance = 1e-7;

    public delegate void Backward(Tensor gradient, Tensor result, Tensor[] inputs, Tensor?[] gradients);

    public delegate void ScalarBackward(double gradient, double result, Tensor[] inputs, Tensor?[] gradients);

    /// <summary>Checks a tensor-valued operation. <paramref name="inputs"/> must be Float64; those in <paramref name="constant"/> get no gradient.</summary>
    public static void Check(Func<Tensor[], Tensor> forward, Backward backward, Tensor[] inputs, int seed = 1, params int[] constant)
    {
        var random = new Random(seed);
        var result = forward(inputs);
        var upstream = Random(result.Shape, random);
        double Objective(Tensor[] x)
        {
            var y = forward(x);
            Assert.True(y.HasShape(result.Shape), $"The forward result changed shape: {y.ShapeText()} vs {result.ShapeText()}.");
            double sum = 0;
            var a = y.Doubles;
            var g = upstream.Doubles;
            for (int i = 0; i < a.Length; i++)
            {
                sum += a[i] * g[i];
            }

            return sum;
        }

        Verify(Objective, (gradients) => backward(upstream, result, inputs, gradients), inputs, constant);
    }

    /// <summary>Checks a scalar-valued operation (a loss).</summary>
    public static void CheckScalar(Func<Tensor[], double> forward, ScalarBackward backward, Tensor[] inputs, int seed = 1, params int[] constant)
    {
        double upstream = 0.5 + new Random(seed).NextDouble();
        double result = forward(inputs);
        Verify(x => upstream * forward(x), gradients => backward(upstream, result, inputs, gradients), inputs, constant);
    }

    /// <summary>A Float64 tensor of the given shape with values uniform in [-1, 1).</summary>
    public static Tensor Random(ReadOnlySpan<int> shape, Random random, double low = -1, double high = 1)
    {
        var t = Tensor.Zeros(DType.Float64, shape);
        var values = t.Doubles;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + (high - low) * random.NextDouble();
        }

        return t;
    }

    private static void Verify(Func<Tensor[], double> objective, Action<Tensor?[]> backward, Tensor[] inputs, int[] constant)
    {
        var gradients = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(DType.Float64, inputs[i].DType);
            gradients[i] = constant.Contains(i) ? null : Tensor.Zeros(DType.Float64, inputs[i].Shape);
        }

        backward(gradients);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (gradients[i] is not { } gradient)
            {
                continue;
            }

            var input = inputs[i];
            var g = gradient.Doubles;
            for (int j = 0; j < input.Length; j++)
            {
                double saved = input.Doubles[j];
                double h = 1e-3 * Math.Max(1, Math.Abs(saved));
                double At(double t)
                {
                    input.Doubles[j] = saved + t;
                    double v = objective(inputs);
                    input.Doubles[j] = saved;
                    return v;
                }

                double fd = (8 * (At(h) - At(-h)) - (At(2 * h) - At(-2 * h))) / (12 * h);
                double scale = Math.Max(1, Math.Max(Math.Abs(fd), Math.Abs(g[j])));
                Assert.True(Math.Abs(fd - g[j]) <= Tolerance * scale, $"input {i}, element {j}: finite differences {fd:R}, rule {g[j]:R}");
            }
        }

        // The rule adds: a second call doubles every gradient.
        var once = gradients.Select(g => g?.Clone()).ToArray();
        backward(gradients);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (gradients[i] is { } gradient)
            {
                var first = once[i]!.Doubles;
                var twice = gradient.Doubles;
                for (int j = 0; j < twice.Length; j++)
                {
                    Assert.True(Math.Abs(twice[j] - 2 * first[j]) <= 1e-12 * Math.Max(1, Math.Abs(twice[j])), $"input {i}, element {j}: the rule does not add into its gradient ({first[j]:R} then {twice[j]:R}).");
                }
            }
        }
    }
}
