using DiffGen.Runtime.Tests.Support;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Convolution;

public class DropoutTests
{
    private static Tensor Nonzero(int length, int seed) => TensorGradCheck.Random([length], new Random(seed), 1, 2);

    [Fact]
    public void The_same_seed_drops_the_same_elements_and_another_seed_others()
    {
        var x = Nonzero(1000, 1);
        var a = Dropout(x, 0.5, training: true, seed: 42);
        var b = Dropout(x, 0.5, training: true, seed: 42);
        var c = Dropout(x, 0.5, training: true, seed: 43);
        Assert.Equal(a.Doubles.ToArray(), b.Doubles.ToArray());
        int differ = 0;
        for (int i = 0; i < x.Length; i++)
        {
            differ += (a.Doubles[i] == 0) != (c.Doubles[i] == 0) ? 1 : 0;
        }

        Assert.InRange(differ, 400, 600);   // two independent masks at p = 0.5 disagree on half the elements
    }

    /// <summary>The documented mask, written out: SplitMix64's finalizer of mix(seed) + i·φ, top 53 bits against ceil(p·2^53).</summary>
    private static bool ReferenceKeeps(long seed, double p, long i)
    {
        static ulong Mix(ulong z)
        {
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }

        const ulong golden = 0x9E3779B97F4A7C15UL;
        ulong key = Mix(unchecked((ulong)seed + golden));
        return Mix(unchecked(key + (ulong)i * golden)) >> 11 >= (ulong)Math.Ceiling(p * (1UL << 53));
    }

    [Theory]
    [InlineData(42L, 0.5)]
    [InlineData(-7L, 0.25)]
    public void The_mask_is_the_documented_hash_of_the_seed_and_the_index_in_both_precisions(long seed, double p)
    {
        var x = Nonzero(1003, 8);   // whole vectors and a tail
        var y64 = Dropout(x, p, training: true, seed);
        var y32 = Dropout(x.To(DType.Float32), p, training: true, seed);
        for (int i = 0; i < x.Length; i++)
        {
            bool keep = ReferenceKeeps(seed, p, i);
            Assert.True(keep == (y64.Doubles[i] != 0), $"element {i} (double)");
            Assert.True(keep == (y32.Floats[i] != 0), $"element {i} (float)");
        }
    }

    [Fact]
    public void Kept_elements_are_scaled_by_one_over_one_minus_p()
    {
        var x = Nonzero(500, 2);
        var y = Dropout(x, 0.2, training: true, seed: 7);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(y.Doubles[i] == 0 || y.Doubles[i] == x.Doubles[i] * (1 / 0.8), $"element {i}: {y.Doubles[i]:R} from {x.Doubles[i]:R}");
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void About_a_fraction_p_of_the_elements_is_dropped(double p)
    {
        const int n = 100_000;
        var y = Dropout(Tensor.Ones(DType.Float32, n), p, training: true, seed: 5);
        int dropped = 0;
        foreach (float v in y.Floats)
        {
            dropped += v == 0 ? 1 : 0;
        }

        double sigma = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(dropped, n * p - 5 * sigma, n * p + 5 * sigma);
    }

    [Fact]
    public void Float_and_double_drop_the_same_elements()
    {
        var x = Nonzero(300, 3);
        var y64 = Dropout(x, 0.4, training: true, seed: 11);
        var y32 = Dropout(x.To(DType.Float32), 0.4, training: true, seed: 11);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(y64.Doubles[i] == 0, y32.Floats[i] == 0);
        }
    }

    [Fact]
    public void Evaluation_and_p_zero_return_a_copy_of_the_input()
    {
        var x = TensorGradCheck.Random([4, 5], new Random(4));
        var eval = Dropout(x, 0.5, training: false, seed: 1);
        Assert.NotSame(x, eval);
        Assert.Equal(x.Doubles.ToArray(), eval.Doubles.ToArray());
        Assert.Equal([4, 5], eval.Shape.ToArray());
        Assert.Equal(x.Doubles.ToArray(), Dropout(x, 0, training: true, seed: 1).Doubles.ToArray());
    }

    [Fact]
    public void P_one_drops_everything()
    {
        var y = Dropout(Nonzero(100, 5), 1, training: true, seed: 1);
        Assert.All(y.Doubles.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Theory]
    [InlineData(true, 0.3)]
    [InlineData(true, 1.0)]
    [InlineData(false, 0.3)]
    public void Backward_rule_applies_the_forward_mask_and_matches_finite_differences(bool training, double p)
    {
        var x = TensorGradCheck.Random([3, 4, 5], new Random(6));
        TensorGradCheck.Check(
            t => Dropout(t[0], p, training, seed: 9),
            (g, r, t, d) => DropoutBackward(g, r, t[0], p, training, 9, d[0]),
            [x]);

        // The gradient is zero exactly where the forward dropped, in float too.
        var xf = x.To(DType.Float32);
        var y = Dropout(xf, p, training, 9);
        var dx = Tensor.Zeros(DType.Float32, x.Shape);
        DropoutBackward(Tensor.Ones(DType.Float32, x.Shape), y, xf, p, training, 9, dx);
        float scale = training ? (p < 1 ? (float)(1 / (1 - p)) : 0) : 1;
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(y.Floats[i] == 0 ? 0 : scale, dx.Floats[i]);
        }
    }

    [Fact]
    public void Bad_probabilities_and_gradients_are_rejected()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout(x, -0.1, true, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout(x, 1.5, true, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout(x, double.NaN, true, 1));
        var e = Assert.Throws<ArgumentException>(() => DropoutBackward(Tensor.Zeros(3, 2), x, x, 0.5, true, 1, Tensor.Zeros(2, 3)));
        Assert.Contains("DropoutBackward", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }
}
