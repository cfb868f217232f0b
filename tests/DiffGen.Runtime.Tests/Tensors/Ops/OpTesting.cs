using DiffGen.Runtime.Tests.Support;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

/// <summary>Inputs and independent reference computations for the tests of the tensor operations.</summary>
internal static class OpTesting
{
    /// <summary>A Float64 tensor with values uniform in [low, high), from a fixed seed.</summary>
    public static Tensor Random(int seed, int[] shape, double low = -1, double high = 1) =>
        TensorGradCheck.Random(shape, new Random(seed), low, high);

    /// <summary>A Float64 tensor whose values are at least 0.1 away from zero (so that finite differences do not cross a kink at 0).</summary>
    public static Tensor AwayFromZero(int seed, params int[] shape)
    {
        var t = Random(seed, shape);
        var v = t.Doubles;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.CopySign(0.1 + Math.Abs(v[i]), v[i]);
        }

        return t;
    }

    /// <summary>A Float64 tensor of distinct values at least 0.05 apart, in shuffled order (so that maxima are unique and stable under finite differences).</summary>
    public static Tensor Distinct(int seed, params int[] shape)
    {
        var t = Tensor.Zeros(DType.Float64, shape);
        var v = t.Doubles;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = 0.05 * i - 0.5;
        }

        new Random(seed).Shuffle(v);
        return t;
    }

    /// <summary>A Float64 tensor with the given values and shape.</summary>
    public static Tensor Of(double[] values, params int[] shape) => Tensor.FromArray(values, shape);

    /// <summary>The Float32 copy of a tensor.</summary>
    public static Tensor F32(Tensor x) => x.To(DType.Float32);

    /// <summary>
    /// <c>f(a, b)</c> with NumPy broadcasting, computed element by element from multi-indices: an implementation
    /// independent of the library's coalesced plan.
    /// </summary>
    public static double[] Broadcast(Tensor a, Tensor b, Func<double, double, double> f, out int[] shape)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a.Shape[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b.Shape[i - (rank - b.Rank)] : 1;
            shape[i] = da == 1 ? db : da;
        }

        int length = shape.Aggregate(1, (p, s) => p * s);
        var result = new double[length];
        var index = new int[rank];
        for (int flat = 0; flat < length; flat++)
        {
            int rest = flat;
            for (int i = rank - 1; i >= 0; i--)
            {
                index[i] = rest % shape[i];
                rest /= shape[i];
            }

            result[flat] = f(a[Project(index, a.Shape)], b[Project(index, b.Shape)]);
        }

        return result;
    }

    /// <summary>The index into a tensor of shape <paramref name="shape"/> that the broadcast index <paramref name="index"/> reads.</summary>
    public static int[] Project(int[] index, ReadOnlySpan<int> shape)
    {
        var projected = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            int j = index.Length - shape.Length + i;
            projected[i] = shape[i] == 1 ? 0 : index[j];
        }

        return projected;
    }

    /// <summary>The multi-index of flat position <paramref name="flat"/> in a row-major tensor of shape <paramref name="shape"/>.</summary>
    public static int[] Unravel(int flat, ReadOnlySpan<int> shape)
    {
        var index = new int[shape.Length];
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }

        return index;
    }

    /// <summary>Asserts that <paramref name="actual"/> has <paramref name="shape"/> and values within <paramref name="tolerance"/> (relative to max(1, |expected|)).</summary>
    public static void AssertValues(double[] expected, int[] shape, Tensor actual, double tolerance = 1e-12)
    {
        Assert.Equal(shape, actual.Shape.ToArray());
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double a = actual.DType == DType.Float64 ? actual.Doubles[i] : actual.Floats[i];
            Assert.True(
                Math.Abs(a - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])) || (double.IsNaN(a) && double.IsNaN(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {a:R}");
        }
    }

    /// <summary>Asserts that a Float32 result agrees with the Float64 one to single-precision accuracy.</summary>
    public static void AssertAgrees(Tensor float64, Tensor float32, double tolerance = 1e-5)
    {
        Assert.Equal(DType.Float64, float64.DType);
        Assert.Equal(DType.Float32, float32.DType);
        AssertValues(float64.Doubles.ToArray(), float64.Shape.ToArray(), float32, tolerance);
    }

    /// <summary>
    /// Checks a rule with one trailing <c>ref double</c> gradient by finite differences: the scalar travels as the last
    /// input, a tensor of shape [1], and its gradient is read back from the <c>ref</c> argument.
    /// </summary>
    public delegate void RuleWithScalar(Tensor gradient, Tensor result, Tensor[] tensors, double scalar, Tensor?[] gradients, ref double dscalar);

    /// <summary>Runs <see cref="TensorGradCheck.Check"/> on an operation with tensor inputs and one scalar, the scalar last.</summary>
    public static void CheckWithScalar(Func<Tensor[], double, Tensor> forward, RuleWithScalar backward, Tensor[] tensors, double scalar, params int[] constant)
    {
        var inputs = tensors.Append(Of([scalar], 1)).ToArray();
        int last = inputs.Length - 1;
        TensorGradCheck.Check(
            x => forward(x[..last], x[last].Doubles[0]),
            (g, r, x, d) =>
            {
                double ds = d[last]?.Doubles[0] ?? 0;
                backward(g, r, x[..last], x[last].Doubles[0], d[..last], ref ds);
                if (d[last] is { } dScalar)
                {
                    dScalar.Doubles[0] = ds;
                }
            },
            inputs,
            constant: constant);
    }
}
