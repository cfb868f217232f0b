using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DiffGen.Kernels;

namespace DiffGen.Runtime.Tests.Kernels;

/// <summary>
/// Gemm against a naive triple loop in double precision. Each element must agree within the classical bound for a
/// dot product of length k: |computed - exact| &lt;= (k + 2) * eps * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|),
/// eps being the machine epsilon of the element type (the reference's own double rounding is added for double).
/// </summary>
public class GemmTests
{
    private static readonly (bool TransposeA, bool TransposeB)[] s_transposes = [(false, false), (true, false), (false, true), (true, true)];

    /// <summary>
    /// Shapes (m, n, k) chosen to hit 1x1x1, primes, exact and partial micro-tiles, the narrow edge kernels (4 or 8 rows,
    /// one vector), B read in place (m of at most two micro-panels), every blocking edge and both parallel splits.
    /// </summary>
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 },
        { 2, 3, 4 },
        { 7, 5, 3 },
        { 13, 17, 19 },
        { 31, 37, 41 },
        { 12, 32, 256 },
        { 13, 33, 257 },
        { 5, 7, 1 },
        { 1, 300, 5 },
        { 1, 128, 784 },    // a batch of one through a dense layer: the unpacked row path
        { 2, 10, 128 },
        { 3, 128, 784 },    // just past it
        { 300, 1, 5 },
        { 97, 101, 103 },
        { 256, 128, 784 },
        { 784, 128, 256 },
        { 256, 784, 128 },
        { 200, 530, 300 },
        { 50, 1100, 40 },
        { 600, 40, 50 },
        { 16, 48, 20 },
        { 28, 16, 9 },
        { 6, 200, 25 },
        { 20, 100, 300 },
    };

    public static TheoryData<int, int, int, bool, bool> ShapesAndTransposes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var row in Shapes)
        {
            var (m, n, k) = ((int)row[0], (int)row[1], (int)row[2]);
            foreach (var (ta, tb) in s_transposes)
            {
                data.Add(m, n, k, ta, tb);
            }
        }

        return data;
    }

    public static TheoryData<string, int> KernelsAndThreads()
    {
        var data = new TheoryData<string, int>();
        foreach (GemmKernelKind kernel in SupportedKernels())
        {
            data.Add(kernel.ToString(), 1);
            data.Add(kernel.ToString(), 2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void Float_product_matches_naive_product(int m, int n, int k, bool transposeA, bool transposeB)
        => Check<float>(m, n, k, transposeA, transposeB, alpha: 1.5, beta: 0.5, padding: 0, FloatEpsilon, seed: m + n + k,
            static (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void Double_product_matches_naive_product(int m, int n, int k, bool transposeA, bool transposeB)
        => Check<double>(m, n, k, transposeA, transposeB, alpha: 1.5, beta: 0.5, padding: 0, DoubleEpsilon, seed: m + n + k,
            static (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void Leading_dimensions_wider_than_the_rows_are_respected(int m, int n, int k, bool transposeA, bool transposeB)
    {
        Check<float>(m, n, k, transposeA, transposeB, alpha: -1, beta: 2, padding: 3, FloatEpsilon, seed: 7,
            static (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
        Check<double>(m, n, k, transposeA, transposeB, alpha: -1, beta: 2, padding: 5, DoubleEpsilon, seed: 8,
            static (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(0.5, 0.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(-2.0, 0.75)]
    [InlineData(1.0, -1.0)]
    [InlineData(0.0, 2.0)]
    [InlineData(0.0, 0.0)]
    public void Alpha_and_beta_scale_the_product_and_the_old_C(double alpha, double beta)
    {
        foreach (var (m, n, k) in new[] { (13, 33, 257), (200, 530, 300) })
        {
            foreach (var (ta, tb) in s_transposes)
            {
                Check<float>(m, n, k, ta, tb, alpha, beta, padding: 1, FloatEpsilon, seed: 11,
                    static (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
                Check<double>(m, n, k, ta, tb, alpha, beta, padding: 1, DoubleEpsilon, seed: 12,
                    static (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelsAndThreads))]
    public void Every_kernel_single_and_multi_threaded_matches_naive_product(string kernelName, int threads)
    {
        var kernel = Enum.Parse<GemmKernelKind>(kernelName);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (13, 33, 257), (97, 101, 103), (200, 530, 300), (50, 1100, 40), (600, 40, 50), (16, 48, 20), (20, 100, 300) })
        {
            foreach (var (ta, tb) in s_transposes)
            {
                Check<float>(m, n, k, ta, tb, alpha: 0.5, beta: -1.5, padding: 2, FloatEpsilon, seed: 21,
                    (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, kernel, threads));
                Check<double>(m, n, k, ta, tb, alpha: 0.5, beta: 0, padding: 2, DoubleEpsilon, seed: 22,
                    (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, kernel, threads));
            }
        }
    }

    [Theory]
    [InlineData(3, 5, 7)]
    [InlineData(200, 530, 300)]
    public void Beta_zero_ignores_NaN_and_infinity_already_in_C(int m, int n, int k)
    {
        var a = RandomMatrix<float>(m * k, 1);
        var b = RandomMatrix<float>(k * n, 2);
        var c = new float[m * n];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = i % 2 == 0 ? float.NaN : float.NegativeInfinity;
        }

        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);

        Assert.All(c, x => Assert.True(float.IsFinite(x)));
        var expected = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void Alpha_zero_reads_neither_A_nor_B()
    {
        var a = Enumerable.Repeat(double.NaN, 6).ToArray();
        var b = Enumerable.Repeat(double.PositiveInfinity, 6).ToArray();
        var c = new double[] { 1, 2, 3, 4 };

        Gemm.Multiply(false, false, 2, 2, 3, 0.0, a, 3, b, 2, 3.0, c, 2);

        Assert.Equal([3.0, 6.0, 9.0, 12.0], c);
    }

    [Fact]
    public void K_zero_scales_C_by_beta()
    {
        var c = new float[] { 1, 2, float.NaN, 4 };

        Gemm.Multiply(false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2, 0f, c, 2);

        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void An_empty_C_is_left_alone()
    {
        var c = new double[] { 42 };

        Gemm.Multiply(false, false, 0, 5, 3, 1.0, ReadOnlySpan<double>.Empty, 3, new double[15], 5, 0.0, Span<double>.Empty, 5);
        Gemm.Multiply(false, false, 5, 0, 3, 1.0, new double[15], 3, ReadOnlySpan<double>.Empty, 1, 0.0, c.AsSpan(0, 0), 1);

        Assert.Equal(42, c[0]);
    }

    [Fact]
    public void The_padding_between_rows_of_C_is_never_written()
    {
        const int m = 37, n = 45, k = 29, ldc = 50;
        var a = RandomMatrix<float>(m * k, 1);
        var b = RandomMatrix<float>(k * n, 2);
        var c = Enumerable.Repeat(-7f, ((m - 1) * ldc) + n + 3).ToArray();

        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, ldc);

        for (int i = 0; i < c.Length; i++)
        {
            bool inside = i < ((m - 1) * ldc) + n && i % ldc < n;
            if (!inside)
            {
                Assert.Equal(-7f, c[i]);
            }
        }
    }

    [Fact]
    public void A_negative_size_is_rejected_naming_the_parameter()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, -1, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));
        Assert.Equal("n", e.ParamName);
    }

    [Fact]
    public void A_leading_dimension_shorter_than_the_row_is_rejected_with_both_sizes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(true, false, 4, 3, 2, 1f, new float[8], 3, new float[6], 3, 0f, new float[12], 3));

        Assert.Equal("lda", e.ParamName);
        Assert.Contains("at least 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("it is 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("stored transposed as 2 x 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_span_too_short_for_its_matrix_is_rejected_with_both_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, true, 2, 3, 4, 1.0, new double[8], 4, new double[11], 4, 0.0, new double[6], 3));

        Assert.Equal("b", e.ParamName);
        Assert.Contains("at least 12", e.Message, StringComparison.Ordinal);
        Assert.Contains("has 11", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void C_overlapping_an_operand_is_rejected()
    {
        var storage = new float[16];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, 1f, storage.AsSpan(0, 4), 2, storage.AsSpan(4, 4), 2, 0f, storage.AsSpan(2, 4), 2));

        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void Concurrent_calls_from_several_threads_each_get_their_own_correct_result()
    {
        const int m = 120, n = 200, k = 90;
        var a = RandomMatrix<float>(m * k, 1);
        var b = RandomMatrix<float>(k * n, 2);
        var expected = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);

        var threads = new Thread[4];
        var failures = new int[threads.Length];
        for (int t = 0; t < threads.Length; t++)
        {
            int index = t;
            threads[t] = new Thread(() =>
            {
                var c = new float[m * n];
                for (int repeat = 0; repeat < 25; repeat++)
                {
                    Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                    if (!c.AsSpan().SequenceEqual(expected))
                    {
                        failures[index]++;
                    }
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(failures, f => Assert.Equal(0, f));
    }

    // ------------------------------------------------------------------ reference and comparison

    private const double FloatEpsilon = 1.0 / (1 << 23);
    private const double DoubleEpsilon = 1.0 / (1L << 52);

    private delegate void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc);

    internal static IEnumerable<GemmKernelKind> SupportedKernels()
    {
        yield return GemmKernelKind.Portable;
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            yield return GemmKernelKind.Vector256;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            yield return GemmKernelKind.Vector512;
        }
    }

    internal static T[] RandomMatrix<T>(int length, int seed)
        where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static void Check<T>(
        int m, int n, int k, bool transposeA, bool transposeB, double alpha, double beta, int padding, double epsilon, int seed,
        Multiply<T> multiply)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int aRows = transposeA ? k : m, aColumns = transposeA ? m : k;
        int bRows = transposeB ? n : k, bColumns = transposeB ? k : n;
        int lda = aColumns + padding, ldb = bColumns + padding, ldc = n + padding;
        var a = RandomMatrix<T>(Math.Max(0, (aRows * lda) - padding), seed);
        var b = RandomMatrix<T>(Math.Max(0, (bRows * ldb) - padding), seed + 1);
        var c0 = RandomMatrix<T>(Math.Max(0, (m * ldc) - padding), seed + 2);
        var c = (T[])c0.Clone();
        T alphaT = T.CreateTruncating(alpha), betaT = T.CreateTruncating(beta);

        multiply(transposeA, transposeB, m, n, k, alphaT, a, Math.Max(1, lda), b, Math.Max(1, ldb), betaT, c, Math.Max(1, ldc));

        double alphaD = double.CreateTruncating(alphaT), betaD = double.CreateTruncating(betaT);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateTruncating(transposeA ? a[(p * lda) + i] : a[(i * lda) + p]);
                    double y = double.CreateTruncating(transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j]);
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }

                double old = double.CreateTruncating(c0[(i * ldc) + j]);
                double expected = (alphaD * sum) + (betaD == 0 ? 0 : betaD * old);
                double bound = (Math.Abs(alphaD) * magnitude) + Math.Abs(betaD * old);
                double tolerance = ((k + 2) * (epsilon + DoubleEpsilon) * bound) + double.Epsilon;
                double actual = double.CreateTruncating(c[(i * ldc) + j]);
                if (!(Math.Abs(actual - expected) <= tolerance))
                {
                    Assert.Fail($"{typeof(T).Name} {m}x{n}x{k} transposeA={transposeA} transposeB={transposeB} alpha={alpha} beta={beta}: " +
                        $"C[{i},{j}] = {actual:R}, expected {expected:R} within {tolerance:E2}.");
                }
            }
        }

        // The padding between the rows of C is never written.
        for (int i = 0; i + 1 < m; i++)
        {
            for (int j = n; j < ldc; j++)
            {
                Assert.Equal(c0[(i * ldc) + j], c[(i * ldc) + j]);
            }
        }
    }
}
