namespace DiffGen.Runtime.Tests.Data;

public class SyntheticTests
{
    public static TheoryData<string> Sets => ["regression", "circles", "xor", "blobs", "spirals"];

    private static Dataset Make(string set, int seed) => set switch
    {
        "regression" => Synthetic.LinearRegression(101, [2.0, -3.0, 0.5], bias: 1, noise: 0.1, seed),
        "circles" => Synthetic.Circles(101, noise: 0.05, seed),
        "xor" => Synthetic.Xor(101, noise: 0.05, seed),
        "blobs" => Synthetic.Blobs(101, centers: 4, seed),
        _ => Synthetic.Spirals(101, noise: 0.05, seed),
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void The_same_seed_gives_the_same_samples_bit_for_bit_and_another_seed_other_samples(string set)
    {
        var a = Make(set, 1);
        var b = Make(set, 1);
        var c = Make(set, 2);
        Assert.Equal(Bits(a.Features), Bits(b.Features));
        Assert.Equal(Bits(a.Labels), Bits(b.Labels));
        Assert.NotEqual(Bits(a.Features), Bits(c.Features));
    }

    private static int[] Bits(Tensor t) => t.Floats.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Theory]
    [InlineData("circles", 2)]
    [InlineData("xor", 2)]
    [InlineData("blobs", 4)]
    [InlineData("spirals", 2)]
    public void Classification_sets_have_2D_features_and_balanced_class_indices_in_a_mixed_order(string set, int classes)
    {
        var data = Make(set, 3);
        Assert.Equal([101, 2], data.Features.Shape.ToArray());
        Assert.Equal([101], data.Labels.Shape.ToArray());
        var counts = data.Labels.Floats.ToArray().GroupBy(l => l).ToDictionary(g => (int)g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, classes), counts.Keys.Order());
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1);
        var firstHalf = data.Labels.Floats[..50].ToArray();
        Assert.True(firstHalf.Distinct().Count() == classes, "The first half of the samples should hold every class.");
    }

    [Fact]
    public void Linear_regression_without_noise_is_exactly_linear_and_with_noise_has_the_given_spread()
    {
        double[] w = [2.0, -3.0];
        var clean = Synthetic.LinearRegression(500, w, bias: 0.5, noise: 0, seed: 4, dtype: DType.Float64);
        Assert.Equal([500, 2], clean.Features.Shape.ToArray());
        Assert.Equal([500], clean.Labels.Shape.ToArray());
        for (int i = 0; i < 500; i++)
        {
            double x0 = clean.Features[i, 0], x1 = clean.Features[i, 1];
            Assert.InRange(x0, -1, 1);
            Assert.Equal(x0 * 2 + x1 * -3 + 0.5, clean.Labels[i], 1e-12);
        }

        var noisy = Synthetic.LinearRegression(20000, w, bias: 0.5, noise: 0.3, seed: 4, dtype: DType.Float64);
        double sum = 0, squares = 0;
        for (int i = 0; i < 20000; i++)
        {
            double residual = noisy.Labels[i] - (noisy.Features[i, 0] * 2 - noisy.Features[i, 1] * 3 + 0.5);
            sum += residual;
            squares += residual * residual;
        }

        // The residuals are the noise: mean 0 (standard error 0.3/sqrt(20000) = 0.002), standard deviation 0.3 (standard error about 0.0015).
        Assert.InRange(sum / 20000, -0.011, 0.011);
        Assert.InRange(Math.Sqrt(squares / 20000), 0.29, 0.31);
    }

    [Fact]
    public void Circles_without_noise_lie_on_radius_one_for_class_0_and_the_factor_for_class_1()
    {
        var data = Synthetic.Circles(200, noise: 0, seed: 5, factor: 0.3, dtype: DType.Float64);
        for (int i = 0; i < 200; i++)
        {
            double r = Math.Sqrt(data.Features[i, 0] * data.Features[i, 0] + data.Features[i, 1] * data.Features[i, 1]);
            Assert.Equal(data.Labels[i] == 0 ? 1.0 : 0.3, r, 1e-12);
        }
    }

    [Fact]
    public void Xor_without_noise_labels_class_1_exactly_where_one_coordinate_is_negative()
    {
        var data = Synthetic.Xor(400, noise: 0, seed: 6);
        for (int i = 0; i < 400; i++)
        {
            double x = data.Features[i, 0], y = data.Features[i, 1];
            Assert.InRange(x, -1, 1);
            Assert.InRange(y, -1, 1);
            Assert.Equal(x < 0 != y < 0 ? 1 : 0, data.Labels[i]);
        }
    }

    [Fact]
    public void Blobs_gather_each_class_around_its_center()
    {
        var centers = Tensor.FromArray(new double[] { -5, 0, 5, 5, 0, -8 }, 3, 2);
        var data = Synthetic.Blobs(3000, centers, seed: 7, standardDeviation: 0.5, dtype: DType.Float64);
        for (int k = 0; k < 3; k++)
        {
            var rows = Enumerable.Range(0, 3000).Where(i => data.Labels[i] == k).ToArray();
            Assert.Equal(1000, rows.Length);
            // Standard error of each mean: 0.5 / sqrt(1000) = 0.016.
            Assert.Equal(centers[k, 0], rows.Average(i => data.Features[i, 0]), 0.08);
            Assert.Equal(centers[k, 1], rows.Average(i => data.Features[i, 1]), 0.08);
        }

        Assert.Throws<ArgumentException>(() => Synthetic.Blobs(10, Tensor.Zeros(3), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Blobs(10, centers: 0, seed: 1));
    }

    [Fact]
    public void Random_blob_centers_are_inside_the_box_minus_10_to_10()
    {
        var data = Synthetic.Blobs(400, centers: 5, seed: 8, standardDeviation: 0.01, dimensions: 3);
        Assert.Equal([400, 3], data.Features.Shape.ToArray());
        Assert.All(data.Features.Floats.ToArray(), v => Assert.InRange(v, -10.1f, 10.1f));
    }

    [Fact]
    public void Spirals_without_noise_follow_r_theta_and_class_1_is_class_0_turned_by_half_a_circle()
    {
        const double turns = 2;
        var data = Synthetic.Spirals(300, noise: 0, seed: 9, turns: turns, dtype: DType.Float64);
        for (int i = 0; i < 300; i++)
        {
            double x = data.Features[i, 0], y = data.Features[i, 1];
            double r = Math.Sqrt(x * x + y * y);
            Assert.InRange(r, 0, 1);
            double angle = r * 2 * Math.PI * turns + (data.Labels[i] == 0 ? 0 : Math.PI);
            Assert.Equal(r * Math.Cos(angle), x, 1e-9);
            Assert.Equal(r * Math.Sin(angle), y, 1e-9);
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Circles(-1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Circles(10, -0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Circles(10, 0, 1, factor: 1));
        Assert.Throws<ArgumentException>(() => Synthetic.LinearRegression(10, [], 0, 0, 1));
        Assert.Throws<ArgumentException>(() => Synthetic.LinearRegression(10, [double.NaN], 0, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Synthetic.Spirals(10, 0, 1, turns: 0));
    }
}
