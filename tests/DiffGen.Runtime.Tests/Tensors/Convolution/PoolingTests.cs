using System.Numerics.Tensors;
using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Convolution.Reference;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Convolution;

public class PoolingTests
{
    // n, c, h, w, kernel, stride, padding
    public static TheoryData<int, int, int, int, int, int, int> Cases => new()
    {
        { 2, 3, 6, 6, 2, 2, 0 },    // LeNet's pooling
        { 1, 2, 7, 5, 3, 2, 1 },    // padding, odd sizes, windows overlap
        { 2, 1, 5, 6, 3, 1, 0 },    // stride 1: every element in several windows
        { 1, 2, 4, 4, 2, 3, 1 },    // stride larger than the window: some elements in none
        { 1, 1, 3, 3, 3, 3, 0 },    // one window, the whole image
        { 1, 1, 10, 9, 9, 2, 4 },   // windows of more than 64 elements, some clipped to fewer
    };

    /// <summary>Distinct values 0.01 apart in a random order: no window has a near tie, so finite differences see one maximum.</summary>
    private static Tensor Distinct(int[] shape, int seed)
    {
        var t = Tensor.Zeros(DType.Float64, shape);
        int[] order = Enumerable.Range(0, t.Length).ToArray();
        new Random(seed).Shuffle(order);
        for (int i = 0; i < order.Length; i++)
        {
            t.Doubles[i] = (order[i] - order.Length / 2) * 0.01;
        }

        return t;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Max_pooling_matches_the_direct_loops_and_finite_differences(int n, int c, int h, int w, int k, int s, int p)
    {
        var x = Distinct([n, c, h, w], seed: h * w + k);
        var y = MaxPool2d(x, k, s, p);
        Assert.Equal([n, c, (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1], y.Shape.ToArray());
        AssertClose(Pool(x, k, s, p, max: true), y.Doubles, 0, "y");
        AssertClose(Pool(x, k, s, p, max: true), MaxPool2d(x.To(DType.Float32), k, s, p).Floats, 1e-7, "y (float)");
        TensorGradCheck.Check(t => MaxPool2d(t[0], k, s, p), (g, r, t, d) => MaxPool2dBackward(g, r, t[0], k, s, p, d[0]), [x]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Average_pooling_matches_the_direct_loops_and_finite_differences(int n, int c, int h, int w, int k, int s, int p)
    {
        var x = TensorGradCheck.Random([n, c, h, w], new Random(h * w + k));
        foreach (bool countIncludePad in new[] { true, false })
        {
            var y = AvgPool2d(x, k, s, p, countIncludePad);
            AssertClose(Pool(x, k, s, p, max: false, countIncludePad), y.Doubles, 1e-15, "y");
            AssertClose(Pool(x, k, s, p, max: false, countIncludePad), AvgPool2d(x.To(DType.Float32), k, s, p, countIncludePad).Floats, 1e-6, "y (float)");
            TensorGradCheck.Check(
                t => AvgPool2d(t[0], k, s, p, countIncludePad),
                (g, r, t, d) => AvgPool2dBackward(g, r, t[0], k, s, p, countIncludePad, d[0]),
                [x]);
        }
    }

    [Fact]
    public void Padding_counts_in_the_mean_by_default_as_in_PyTorch()
    {
        var x = Tensor.Ones(DType.Float64, 1, 1, 3, 3);

        // 3 x 3 windows at stride 2 with padding 1: each sees a 2 x 2 corner of the input and five padding zeros.
        Assert.Equal([4 / 9.0, 4 / 9.0, 4 / 9.0, 4 / 9.0], AvgPool2d(x, 3, 2, 1).Doubles.ToArray());
        Assert.Equal([1.0, 1.0, 1.0, 1.0], AvgPool2d(x, 3, 2, 1, countIncludePad: false).Doubles.ToArray());
    }

    [Fact]
    public void The_one_argument_overloads_use_the_window_as_the_stride()
    {
        var x = TensorGradCheck.Random([2, 2, 5, 4], new Random(3));
        Assert.Equal([2, 2, 2, 2], MaxPool2d(x, 2).Shape.ToArray());
        Assert.Equal(MaxPool2d(x, 2, 2).Doubles.ToArray(), MaxPool2d(x, 2).Doubles.ToArray());
        Assert.Equal(AvgPool2d(x, 2, 2).Doubles.ToArray(), AvgPool2d(x, 2).Doubles.ToArray());
        var x2 = Distinct([2, 2, 5, 4], seed: 4);
        TensorGradCheck.Check(t => MaxPool2d(t[0], 2), (g, r, t, d) => MaxPool2dBackward(g, r, t[0], 2, d[0]), [x2]);
        TensorGradCheck.Check(t => AvgPool2d(t[0], 2), (g, r, t, d) => AvgPool2dBackward(g, r, t[0], 2, d[0]), [x]);
    }

    [Fact]
    public void A_tie_sends_the_whole_gradient_to_the_first_maximum_in_row_major_order()
    {
        var x = Tensor.FromArray(new float[] { 1, 5, 5, 5 }, 1, 1, 2, 2);
        var y = MaxPool2d(x, 2);
        Assert.Equal(5f, y.Floats[0]);
        var dx = Tensor.Zeros(DType.Float32, 1, 1, 2, 2);
        MaxPool2dBackward(Tensor.FromArray(new float[] { 3 }, 1, 1, 1, 1), y, x, 2, dx);
        Assert.Equal([0f, 3f, 0f, 0f], dx.Floats.ToArray());
    }

    [Fact]
    public void Overlapping_windows_add_their_gradients_into_a_shared_maximum()
    {
        // The 9 at the centre is the maximum of all four 2 x 2 windows at stride 1.
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 9, 5, 6, 7, 8 }, 1, 1, 3, 3);
        var y = MaxPool2d(x, 2, 1);
        Assert.Equal([9.0, 9.0, 9.0, 9.0], y.Doubles.ToArray());
        var dx = Tensor.Zeros(DType.Float64, 1, 1, 3, 3);
        MaxPool2dBackward(Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 1, 1, 2, 2), y, x, 2, 1, 0, dx);
        Assert.Equal([0.0, 0, 0, 0, 10, 0, 0, 0, 0], dx.Doubles.ToArray());
    }

    [Fact]
    public void A_NaN_is_the_maximum_of_its_window_and_its_first_NaN_gets_the_gradient()
    {
        var x = Tensor.FromArray(new double[] { 1, double.NaN, 7, double.NaN }, 1, 1, 2, 2);
        var y = MaxPool2d(x, 2);
        Assert.True(double.IsNaN(y.Doubles[0]));
        var dx = Tensor.Zeros(DType.Float64, 1, 1, 2, 2);
        MaxPool2dBackward(Tensor.FromArray(new double[] { 2 }, 1, 1, 1, 1), y, x, 2, dx);
        Assert.Equal([0.0, 2, 0, 0], dx.Doubles.ToArray());
    }

    [Fact]
    public void Ties_in_windows_larger_than_64_elements_also_go_to_the_first_maximum()
    {
        var x = Tensor.Zeros(DType.Float32, 1, 1, 9, 9);
        x.Floats[40] = 1;
        x.Floats[50] = 1;
        var y = MaxPool2d(x, 9);
        var dx = Tensor.Zeros(DType.Float32, 1, 1, 9, 9);
        MaxPool2dBackward(Tensor.Ones(DType.Float32, 1, 1, 1, 1), y, x, 9, dx);
        Assert.Equal(1f, dx.Floats[40]);
        Assert.Equal(1f, TensorPrimitives.Sum<float>(dx.Floats));
    }

    [Fact]
    public void Padding_is_never_a_maximum()
    {
        var x = Tensor.Full(DType.Float64, -3, 1, 1, 2, 2);
        Assert.Equal([-3.0, -3.0, -3.0, -3.0], MaxPool2d(x, 3, 1, 1).Doubles.ToArray());
    }

    [Fact]
    public void Wrong_shapes_and_settings_name_the_operation()
    {
        var rank = Assert.Throws<ArgumentException>(() => MaxPool2d(Tensor.Zeros(3, 8, 8), 2));
        Assert.Contains("MaxPool2d", rank.Message);
        Assert.Contains("[3, 8, 8]", rank.Message);
        var small = Assert.Throws<ArgumentException>(() => AvgPool2d(Tensor.Zeros(1, 1, 2, 5), 3));
        Assert.Contains("AvgPool2d", small.Message);
        Assert.Contains("[1, 1, 2, 5]", small.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 2, 2, 2));
        var x = Tensor.Zeros(1, 1, 4, 4);
        var y = MaxPool2d(x, 2);
        var gradient = Assert.Throws<ArgumentException>(() => MaxPool2dBackward(Tensor.Zeros(1, 1, 4, 4), y, x, 2, Tensor.Zeros(1, 1, 4, 4)));
        Assert.Contains("MaxPool2dBackward", gradient.Message);
        Assert.Contains("[1, 1, 2, 2]", gradient.Message);
        Assert.Contains("[1, 1, 4, 4]", gradient.Message);
        Assert.Throws<ArgumentException>(() => AvgPool2dBackward(y, y, x, 2, Tensor.Zeros(1, 1, 2, 2)));
        var result = Assert.Throws<ArgumentException>(() => MaxPool2dBackward(y, Tensor.Zeros(1, 1, 3, 3), x, 2, Tensor.Zeros(1, 1, 4, 4)));
        Assert.Equal("result", result.ParamName);
    }
}
