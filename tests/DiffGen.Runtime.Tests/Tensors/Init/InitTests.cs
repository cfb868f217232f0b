using static DiffGen.Init;

namespace DiffGen.Runtime.Tests.Tensors.Init;

/// <summary>
/// The initialisers: reproducible from a seed, within their bounds, and with the mean and variance they promise.
/// Statistical checks allow 5 standard errors of the estimate (a false failure about once in 1.7 million), and as the
/// seeds are fixed, a pass is a pass for good.
/// </summary>
public class InitTests
{
    private static (double Mean, double Variance) Moments(Tensor t)
    {
        var v = t.To(DType.Float64).Doubles;
        double sum = 0;
        foreach (double x in v)
        {
            sum += x;
        }

        double mean = sum / v.Length;
        double squares = 0;
        foreach (double x in v)
        {
            squares += (x - mean) * (x - mean);
        }

        return (mean, squares / (v.Length - 1));
    }

    /// <summary>Checks the sample mean and variance of a uniform [low, high) sample: standard errors sqrt(σ²/n) and sqrt((μ4 - σ⁴)/n), μ4 = (high - low)⁴/80.</summary>
    private static void AssertUniformMoments(Tensor t, double low, double high)
    {
        int n = t.Length;
        double variance = (high - low) * (high - low) / 12;
        double fourth = Math.Pow(high - low, 4) / 80;
        var (mean, sampleVariance) = Moments(t);
        Assert.InRange(mean, (low + high) / 2 - 5 * Math.Sqrt(variance / n), (low + high) / 2 + 5 * Math.Sqrt(variance / n));
        double se = Math.Sqrt((fourth - variance * variance) / n);
        Assert.InRange(sampleVariance, variance - 5 * se, variance + 5 * se);
    }

    /// <summary>Checks the sample mean and variance of a normal sample: standard errors σ/sqrt(n) and σ²·sqrt(2/(n - 1)).</summary>
    private static void AssertNormalMoments(Tensor t, double expectedMean, double std)
    {
        int n = t.Length;
        var (mean, variance) = Moments(t);
        Assert.InRange(mean, expectedMean - 5 * std / Math.Sqrt(n), expectedMean + 5 * std / Math.Sqrt(n));
        double se = std * std * Math.Sqrt(2.0 / (n - 1));
        Assert.InRange(variance, std * std - 5 * se, std * std + 5 * se);
    }

    public static TheoryData<string> Initialisers() => ["Uniform", "Normal", "KaimingUniform", "KaimingNormal", "XavierUniform", "XavierNormal"];

    private static Tensor Create(string initialiser, DType dtype, long seed) => initialiser switch
    {
        "Uniform" => Uniform(dtype, -1, 2, seed, 20, 30),
        "Normal" => Normal(dtype, 1, 3, seed, 20, 30),
        "KaimingUniform" => KaimingUniform(dtype, seed, 20, 30),
        "KaimingNormal" => KaimingNormal(dtype, seed, 20, 30),
        "XavierUniform" => XavierUniform(dtype, seed, 20, 30),
        _ => XavierNormal(dtype, seed, 20, 30),
    };

    [Theory]
    [MemberData(nameof(Initialisers))]
    public void The_same_seed_gives_the_same_values_and_another_seed_other_values(string initialiser)
    {
        var a = Create(initialiser, DType.Float64, 7);
        var b = Create(initialiser, DType.Float64, 7);
        var c = Create(initialiser, DType.Float64, 8);
        Assert.True(a.Doubles.SequenceEqual(b.Doubles));
        int same = 0;
        for (int i = 0; i < a.Length; i++)
        {
            same += a.Doubles[i] == c.Doubles[i] ? 1 : 0;
        }

        Assert.Equal(0, same);
    }

    [Theory]
    [MemberData(nameof(Initialisers))]
    public void A_Float32_tensor_gets_the_Float64_values_of_the_same_seed_rounded_to_float(string initialiser)
    {
        var doubles = Create(initialiser, DType.Float64, 3).Doubles;
        var floats = Create(initialiser, DType.Float32, 3).Floats;
        for (int i = 0; i < floats.Length; i++)
        {
            Assert.Equal((float)doubles[i], floats[i]);
        }
    }

    [Fact]
    public void The_filling_form_gives_the_values_of_the_creating_form()
    {
        var filled = Tensor.Zeros(DType.Float64, 20, 30);
        KaimingUniform(filled, 5);
        Assert.True(KaimingUniform(DType.Float64, 5, 20, 30).Doubles.SequenceEqual(filled.Doubles));
        Normal(filled, 1, 3, 5);
        Assert.True(Normal(DType.Float64, 1, 3, 5, 20, 30).Doubles.SequenceEqual(filled.Doubles));
    }

    [Fact]
    public void Uniform_values_are_pinned_so_that_a_seed_means_the_same_on_every_version()
    {
        // xoshiro256** seeded through SplitMix64 with seed 42 and the Init stream (-3), 53 bits per double: the same
        // numbers come out of an independent Python implementation of the published algorithms (arbitrary-precision
        // integers masked to 64 bits). Only integer and exact floating-point arithmetic is involved, so these are the
        // same everywhere; a change here changes every user's seeds.
        var values = Uniform(DType.Float64, 0, 1, 42, 3).Doubles;
        long[] bits = [BitConverter.DoubleToInt64Bits(values[0]), BitConverter.DoubleToInt64Bits(values[1]), BitConverter.DoubleToInt64Bits(values[2])];
        Assert.Equal(PinnedUniform, bits);
    }

    private static readonly long[] PinnedUniform = [4603898448457049900, 4603528895608471776, 4595534744612874124];

    [Fact]
    public void Uniform_stays_within_its_bounds_and_has_the_mean_and_variance_of_the_distribution()
    {
        var t = Uniform(DType.Float64, -2, 3, 11, 400, 500);
        foreach (double v in t.Doubles)
        {
            Assert.InRange(v, -2, Math.BitDecrement(3.0));
        }

        AssertUniformMoments(t, -2, 3);
    }

    [Fact]
    public void Uniform_with_equal_bounds_is_constant()
    {
        Assert.All(Uniform(DType.Float32, 0.5, 0.5, 1, 10).Floats.ToArray(), v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Normal_has_the_requested_mean_and_standard_deviation()
    {
        AssertNormalMoments(Normal(DType.Float64, 1.5, 0.5, 12, 400, 500), 1.5, 0.5);
        AssertNormalMoments(Normal(DType.Float32, -3, 2, 13, 400, 500), -3, 2);
    }

    [Fact]
    public void KaimingUniform_of_a_convolution_weight_is_bounded_by_sqrt_6_over_fan_in()
    {
        // [64, 32, 3, 3]: fan_in = 32 · 9 = 288, bound = sqrt(2) · sqrt(3 / 288) = sqrt(6 / 288).
        var t = KaimingUniform(DType.Float32, 14, 64, 32, 3, 3);
        double bound = Math.Sqrt(6.0 / 288);
        double largest = 0;
        foreach (float v in t.Floats)
        {
            Assert.True(Math.Abs(v) <= bound, $"{v} is outside ±{bound}");
            largest = Math.Max(largest, Math.Abs(v));
        }

        // 18432 values: the largest lies within bound/1000 of the bound unless all missed, probability 0.999^18432 ≈ 1e-8.
        Assert.True(largest > 0.999 * bound);
        AssertUniformMoments(t, -bound, bound);
    }

    [Fact]
    public void KaimingNormal_has_standard_deviation_sqrt_2_over_fan_in()
    {
        AssertNormalMoments(KaimingNormal(DType.Float64, 15, 256, 128), 0, Math.Sqrt(2.0 / 128));
    }

    [Fact]
    public void Kaiming_with_a_negative_slope_and_fan_out_uses_gain_sqrt_2_over_1_plus_a_squared_and_the_fan_out()
    {
        // [100, 300]: fan_out = 100; a = 1 gives gain 1, so std = 1 / sqrt(100) = 0.1.
        var normal = Tensor.Zeros(DType.Float64, 100, 300);
        KaimingNormal(normal, 16, a: 1, mode: FanMode.FanOut);
        AssertNormalMoments(normal, 0, 0.1);

        var uniform = Tensor.Zeros(DType.Float64, 100, 300);
        KaimingUniform(uniform, 17, a: 1, mode: FanMode.FanOut);
        AssertUniformMoments(uniform, -Math.Sqrt(3) * 0.1, Math.Sqrt(3) * 0.1);
    }

    [Fact]
    public void Xavier_has_variance_2_over_fan_in_plus_fan_out_times_the_gain_squared()
    {
        // [300, 200]: fan_in + fan_out = 500.
        double std = Math.Sqrt(2.0 / 500);
        AssertNormalMoments(XavierNormal(DType.Float64, 18, 300, 200), 0, std);
        var uniform = XavierUniform(DType.Float64, 19, 300, 200);
        Assert.All(uniform.Doubles.ToArray(), v => Assert.True(Math.Abs(v) <= Math.Sqrt(3) * std));
        AssertUniformMoments(uniform, -Math.Sqrt(3) * std, Math.Sqrt(3) * std);

        var scaled = Tensor.Zeros(DType.Float64, 300, 200);
        XavierNormal(scaled, 20, gain: 3);
        AssertNormalMoments(scaled, 0, 3 * std);
    }

    [Fact]
    public void Fans_of_a_linear_weight_are_in_and_out()
    {
        Assert.Equal((784, 128), Fans(128, 784));
    }

    [Fact]
    public void Fans_of_a_convolution_weight_include_the_kernel_size()
    {
        Assert.Equal((3 * 5 * 5, 8 * 5 * 5), Fans(8, 3, 5, 5));
        Assert.Equal((6 * 2, 4 * 2), Fans(4, 6, 2));
    }

    [Fact]
    public void Fans_need_two_dimensions()
    {
        var error = Assert.Throws<ArgumentException>(() => Fans(5));
        Assert.Contains("[5]", error.Message, StringComparison.Ordinal);
        var kaiming = Assert.Throws<ArgumentException>(() => KaimingUniform(DType.Float32, 1, 5));
        Assert.Contains("KaimingUniform", kaiming.Message, StringComparison.Ordinal);
        Assert.Contains("[5]", kaiming.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_parameters_are_rejected_with_their_values()
    {
        Assert.Contains("[2, 1)", Assert.Throws<ArgumentException>(() => Uniform(DType.Float32, 2, 1, 0, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => Normal(DType.Float32, 0, -1, 0, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => XavierNormal(Tensor.Zeros(2, 2), 0, gain: double.NaN)).Message, StringComparison.Ordinal);
    }
}
