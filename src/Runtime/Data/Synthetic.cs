using System;

namespace DiffGen;

/// <summary>
/// Small generated datasets for examples and tests: a noisy linear regression and the classic two-dimensional
/// classification sets (concentric circles, XOR, Gaussian blobs, two spirals).
/// </summary>
/// <remarks>
/// Every set is a function of its arguments and its seed: the same seed gives the same samples, bit for bit. Noise is
/// Gaussian with the given standard deviation. The classification sets return class indices as labels (shape
/// <c>[n]</c>, values <c>0 .. classes-1</c>, see <see cref="Dataset"/>), balanced (class sizes differ by at most one),
/// with the samples in a random order so that unshuffled mini-batches still mix the classes.
/// </remarks>
/// <example>
/// <code>
/// Dataset line = Synthetic.LinearRegression(200, weights: [2.0, -3.0], bias: 0.5, noise: 0.1, seed: 1);
/// Dataset rings = Synthetic.Circles(500, noise: 0.05, seed: 2);
/// var (train, validation) = rings.RandomSplit(0.2, seed: 3);
/// </code>
/// </example>
public static class Synthetic
{
    /// <summary>
    /// A linear regression problem: features uniform in <c>[-1, 1]^d</c> and targets
    /// <c>y = x · weights + bias + noise · N(0, 1)</c>.
    /// </summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="weights">The true weights; their number is the number of features <c>d</c>.</param>
    /// <param name="bias">The true bias.</param>
    /// <param name="noise">The standard deviation of the Gaussian noise added to the targets (0 for none).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="dtype">The element type. Default <see cref="DType.Float32"/>.</param>
    /// <returns>Features <c>[count, d]</c> and targets <c>[count]</c>.</returns>
    /// <exception cref="ArgumentException">No weights, a negative count or noise, or a value that is not finite.</exception>
    public static Dataset LinearRegression(int count, ReadOnlySpan<double> weights, double bias, double noise, int seed, DType dtype = DType.Float32)
    {
        CheckCount(count);
        CheckNoise(noise);
        if (weights.IsEmpty)
        {
            throw new ArgumentException("A linear regression needs at least one weight (one per feature).", nameof(weights));
        }

        if (!double.IsFinite(bias))
        {
            throw new ArgumentOutOfRangeException(nameof(bias), bias, "The bias must be finite.");
        }

        int d = weights.Length;
        for (int j = 0; j < d; j++)
        {
            if (!double.IsFinite(weights[j]))
            {
                throw new ArgumentException($"Weight {j} is {weights[j].ToString(System.Globalization.CultureInfo.InvariantCulture)}; weights must be finite.", nameof(weights));
            }
        }

        var random = new SeededRandom(seed, RandomStreams.Synthetic);
        double[] x = new double[count * d];
        double[] y = new double[count];
        for (int i = 0; i < count; i++)
        {
            double target = bias;
            for (int j = 0; j < d; j++)
            {
                double value = random.NextDouble(-1, 1);
                x[i * d + j] = value;
                target += value * weights[j];
            }

            y[i] = target + noise * random.NextGaussian();
        }

        return new Dataset(Convert(x, dtype, count, d), Convert(y, dtype, count));
    }

    /// <summary>
    /// Two concentric circles (scikit-learn's <c>make_circles</c>): class 0 on the circle of radius 1, class 1 on the
    /// circle of radius <paramref name="factor"/>, at uniformly random angles, with Gaussian noise on both coordinates.
    /// Not linearly separable.
    /// </summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="noise">The standard deviation of the noise on each coordinate.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="factor">The inner radius, in <c>(0, 1)</c>. Default 0.5.</param>
    /// <param name="dtype">The element type. Default <see cref="DType.Float32"/>.</param>
    /// <returns>Features <c>[count, 2]</c> and class indices <c>[count]</c> (0 outer, 1 inner).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or noise, or a factor outside <c>(0, 1)</c>.</exception>
    public static Dataset Circles(int count, double noise, int seed, double factor = 0.5, DType dtype = DType.Float32)
    {
        CheckCount(count);
        CheckNoise(noise);
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The inner circle's radius must be between 0 and 1 (exclusive).");
        }

        var random = new SeededRandom(seed, RandomStreams.Synthetic);
        return Classes(count, 2, dtype, ref random, (int label, ref SeededRandom r, Span<double> point) =>
        {
            double radius = label == 0 ? 1.0 : factor;
            double angle = r.NextDouble(0, 2 * Math.PI);
            point[0] = radius * Math.Cos(angle) + noise * r.NextGaussian();
            point[1] = radius * Math.Sin(angle) + noise * r.NextGaussian();
        });
    }

    /// <summary>
    /// The XOR problem: points uniform in the square <c>[-1, 1]²</c>, class 1 where exactly one coordinate is
    /// negative (the second and fourth quadrants), class 0 elsewhere; then Gaussian noise is added to the coordinates
    /// (the class is decided before the noise, so noise blurs the boundary). Not linearly separable.
    /// </summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="noise">The standard deviation of the noise on each coordinate (0 for a clean boundary).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="dtype">The element type. Default <see cref="DType.Float32"/>.</param>
    /// <returns>Features <c>[count, 2]</c> and class indices <c>[count]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or noise.</exception>
    public static Dataset Xor(int count, double noise, int seed, DType dtype = DType.Float32)
    {
        CheckCount(count);
        CheckNoise(noise);
        var random = new SeededRandom(seed, RandomStreams.Synthetic);
        return Classes(count, 2, dtype, ref random, (int label, ref SeededRandom r, Span<double> point) =>
        {
            // Uniform in the quadrants of the class: class 0 has signs (+,+) or (-,-), class 1 (+,-) or (-,+).
            double x = r.NextDouble(0, 1) * (r.NextInt(2) == 0 ? 1 : -1);
            double y = r.NextDouble(0, 1) * (x >= 0 ? 1 : -1) * (label == 0 ? 1 : -1);
            point[0] = x + noise * r.NextGaussian();
            point[1] = y + noise * r.NextGaussian();
        });
    }

    /// <summary>
    /// Gaussian blobs (scikit-learn's <c>make_blobs</c>) around <paramref name="centers"/> random centers drawn uniformly
    /// from the box <c>[-10, 10]^dimensions</c>: class <c>k</c> is normally distributed around center <c>k</c>.
    /// </summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="centers">The number of centers (classes), at least 1.</param>
    /// <param name="standardDeviation">The spread of each blob. Default 1.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="dimensions">The number of features. Default 2.</param>
    /// <param name="dtype">The element type. Default <see cref="DType.Float32"/>.</param>
    /// <returns>Features <c>[count, dimensions]</c> and class indices <c>[count]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count, center count, dimension or spread out of range.</exception>
    public static Dataset Blobs(int count, int centers, int seed, double standardDeviation = 1.0, int dimensions = 2, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(centers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var random = new SeededRandom(seed, RandomStreams.Synthetic);
        double[] points = new double[centers * dimensions];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = random.NextDouble(-10, 10);
        }

        return Blobs(count, Tensor.FromArray(points, centers, dimensions), seed, standardDeviation, dtype);
    }

    /// <summary>Gaussian blobs around given centers: class <c>k</c> is normally distributed around row <c>k</c> of <paramref name="centers"/>.</summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="centers">The centers, shape <c>[classes, dimensions]</c>.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="standardDeviation">The spread of each blob. Default 1.</param>
    /// <param name="dtype">The element type. Default <see cref="DType.Float32"/>.</param>
    /// <returns>Features <c>[count, dimensions]</c> and class indices <c>[count]</c>.</returns>
    /// <exception cref="ArgumentException">The centers are not a non-empty matrix, or a count or spread is out of range.</exception>
    public static Dataset Blobs(int count, Tensor centers, int seed, double standardDeviation = 1.0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(centers);
        CheckCount(count);
        CheckNoise(standardDeviation, nameof(standardDeviation));
        if (centers.Rank != 2 || centers.Shape[0] == 0 || centers.Shape[1] == 0)
        {
            throw new ArgumentException($"The centers must be a matrix [classes, dimensions] with at least one row and column; their shape is {centers.ShapeText()}.", nameof(centers));
        }

        int classes = centers.Shape[0];
        int dimensions = centers.Shape[1];
        double[] center = new double[classes * dimensions];
        for (int k = 0; k < classes; k++)
        {
            for (int j = 0; j < dimensions; j++)
            {
                center[k * dimensions + j] = centers[k, j];
            }
        }

        var random = new SeededRandom(seed, RandomStreams.Synthetic + 1);
        return Classes(count, classes, dtype, ref random, (int label, ref SeededRandom r, Span<double> point) =>
        {
            for (int j = 0; j < point.Length; j++)
            {
                point[j] = center[label * point.Length + j] + standardDeviation * r.NextGaussian();
            }
        }, dimensions);
    }

    /// <summary>
    /// Two interleaved spirals: class 0 follows <c>r(cos θ, sin θ)</c> with <c>r = θ / (2π · turns)</c> for <c>θ</c>
    /// uniform in <c>[0, 2π · turns]</c> (radius 0 to 1), class 1 is the same spiral turned by half a circle; Gaussian
    /// noise is added to both coordinates. The hardest of the classic sets.
    /// </summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="noise">The standard deviation of the noise on each coordinate.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="turns">How many times each spiral goes around. Default 1.5.</param>
    /// <param name="dtype">The element type. Default <see cref="DType.Float32"/>.</param>
    /// <returns>Features <c>[count, 2]</c> and class indices <c>[count]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or noise, or turns not positive.</exception>
    public static Dataset Spirals(int count, double noise, int seed, double turns = 1.5, DType dtype = DType.Float32)
    {
        CheckCount(count);
        CheckNoise(noise);
        if (!(turns > 0 && double.IsFinite(turns)))
        {
            throw new ArgumentOutOfRangeException(nameof(turns), turns, "The number of turns must be positive and finite.");
        }

        var random = new SeededRandom(seed, RandomStreams.Synthetic);
        return Classes(count, 2, dtype, ref random, (int label, ref SeededRandom r, Span<double> point) =>
        {
            double t = r.NextDouble();
            double angle = t * 2 * Math.PI * turns + (label == 0 ? 0 : Math.PI);
            point[0] = t * Math.Cos(angle) + noise * r.NextGaussian();
            point[1] = t * Math.Sin(angle) + noise * r.NextGaussian();
        });
    }

    private delegate void SamplePoint(int label, ref SeededRandom random, Span<double> point);

    private static Dataset Classes(int count, int classes, DType dtype, ref SeededRandom random, SamplePoint sample, int dimensions = 2)
    {
        // Balanced classes (sample i has class i mod classes), then a random order.
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        double[] x = new double[count * dimensions];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = order[i] % classes;
            labels[i] = label;
            sample(label, ref random, x.AsSpan(i * dimensions, dimensions));
        }

        return new Dataset(Convert(x, dtype, count, dimensions), labels);
    }

    private static Tensor Convert(double[] values, DType dtype, params ReadOnlySpan<int> shape)
    {
        if (dtype == DType.Float64)
        {
            return Tensor.FromArray(values, shape);
        }

        float[] floats = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            floats[i] = (float)values[i];
        }

        return Tensor.FromArray(floats, shape);
    }

    private static void CheckCount(int count) => ArgumentOutOfRangeException.ThrowIfNegative(count);

    private static void CheckNoise(double noise, string name = "noise")
    {
        if (!(noise >= 0 && double.IsFinite(noise)))
        {
            throw new ArgumentOutOfRangeException(name, noise, "The noise's standard deviation must be finite and not negative.");
        }
    }
}
