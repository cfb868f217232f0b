namespace DiffGen.EndToEnd.Tests.Models;

/// <summary>
/// Tensor operations a user adds with their own backward rules, exactly as docs/tensors.md says: the generator knows
/// nothing about them beyond their [DerivativeOf] rules. Written plainly (Float64 loops), since they only need to be right.
/// </summary>
public static class UserOps
{
    /// <summary><c>x·w + b</c> for x [n, k], w [k, m], b [m].</summary>
    public static Tensor Affine(Tensor x, Tensor w, Tensor b)
    {
        int n = x.Size(0), k = x.Size(1), m = w.Size(1);
        if (w.Size(0) != k || b.Size(0) != m)
        {
            throw new ArgumentException($"Affine: shapes {x.ShapeText()}, {w.ShapeText()} and {b.ShapeText()} do not fit.");
        }

        var y = Tensor.Empty(x.DType, n, m);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double sum = b[j];
                for (int p = 0; p < k; p++)
                {
                    sum += x[i, p] * w[p, j];
                }

                y[i, j] = sum;
            }
        }

        return y;
    }

    [DerivativeOf(nameof(Affine))]
    public static void AffineBackward(Tensor gradient, Tensor result, Tensor x, Tensor w, Tensor b, Tensor? dx, Tensor? dw, Tensor? db)
    {
        int n = x.Size(0), k = x.Size(1), m = w.Size(1);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double g = gradient[i, j];
                if (db is not null)
                {
                    db[j] += g;
                }

                for (int p = 0; p < k; p++)
                {
                    if (dx is not null)
                    {
                        dx[i, p] += g * w[p, j];
                    }

                    if (dw is not null)
                    {
                        dw[p, j] += g * x[i, p];
                    }
                }
            }
        }
    }

    /// <summary>Element-wise tanh.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = Tensor.Empty(x.DType, x.Shape);
        for (int i = 0; i < x.Length; i++)
        {
            y.Doubles[i] = Math.Tanh(x.Doubles[i]);
        }

        return y;
    }

    [DerivativeOf(nameof(Tanh))]
    public static void TanhBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        if (dx is null)
        {
            return;
        }

        for (int i = 0; i < x.Length; i++)
        {
            double t = result.Doubles[i];
            dx.Doubles[i] += gradient.Doubles[i] * (1 - t * t);
        }
    }

    /// <summary><c>s · x</c> for a scalar s.</summary>
    public static Tensor Scale(Tensor x, double s)
    {
        var y = Tensor.Empty(x.DType, x.Shape);
        for (int i = 0; i < x.Length; i++)
        {
            y.Doubles[i] = s * x.Doubles[i];
        }

        return y;
    }

    [DerivativeOf(nameof(Scale))]
    public static void ScaleBackward(Tensor gradient, Tensor result, Tensor x, double s, Tensor? dx, ref double ds)
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (dx is not null)
            {
                dx.Doubles[i] += s * gradient.Doubles[i];
            }

            ds += gradient.Doubles[i] * x.Doubles[i];
        }
    }

    /// <summary>Σ (x − target)² / n: a loss.</summary>
    public static double SquaredError(Tensor x, [NoDiff] Tensor target)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x.Doubles[i] - target.Doubles[i];
            sum += d * d;
        }

        return sum / x.Length;
    }

    [DerivativeOf(nameof(SquaredError))]
    public static void SquaredErrorBackward(double gradient, double result, Tensor x, [NoDiff] Tensor target, Tensor? dx)
    {
        if (dx is null)
        {
            return;
        }

        for (int i = 0; i < x.Length; i++)
        {
            dx.Doubles[i] += gradient * 2 * (x.Doubles[i] - target.Doubles[i]) / x.Length;
        }
    }

    /// <summary>A Float64 tensor with values uniform in [-1, 1).</summary>
    public static Tensor Random(Random random, params int[] shape)
    {
        var t = Tensor.Zeros(DType.Float64, shape);
        for (int i = 0; i < t.Length; i++)
        {
            t.Doubles[i] = 2 * random.NextDouble() - 1;
        }

        return t;
    }
}
