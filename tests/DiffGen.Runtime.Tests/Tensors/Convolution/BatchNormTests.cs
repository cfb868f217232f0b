using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Convolution.Reference;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Convolution;

public class BatchNormTests
{
    /// <summary>The mean, biased and unbiased variance of channel c of x seen as [N, C, S], by direct sums.</summary>
    private static (double Mean, double Biased, double Unbiased) ChannelStatistics(Tensor x, int c)
    {
        int n = x.Size(0), channels = x.Size(1), s = x.Length / (n * channels);
        double sum = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < s; j++)
        {
            sum += x.Doubles[(i * channels + c) * s + j];
        }

        double mean = sum / (n * s), squares = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < s; j++)
        {
            double d = x.Doubles[(i * channels + c) * s + j] - mean;
            squares += d * d;
        }

        return (mean, squares / (n * s), squares / (n * s - 1));
    }

    /// <summary>(x − mean) / √(var + eps) · w + b per channel.</summary>
    private static double[] Normalize(Tensor x, Func<int, (double Mean, double Var)> statistics, Tensor? weight, Tensor? bias, double eps = 1e-5)
    {
        int n = x.Size(0), channels = x.Size(1), s = x.Length / (n * channels);
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            var (mean, variance) = statistics(c);
            for (int i = 0; i < n; i++)
            for (int j = 0; j < s; j++)
            {
                int k = (i * channels + c) * s + j;
                y[k] = (x.Doubles[k] - mean) / Math.Sqrt(variance + eps) * (weight?.Doubles[c] ?? 1) + (bias?.Doubles[c] ?? 0);
            }
        }

        return y;
    }

    private static Tensor Norm(Tensor x, Tensor? w, Tensor? b, BatchNormState state, bool training) =>
        x.Rank == 4 ? BatchNorm2d(x, w, b, state, training) : BatchNorm1d(x, w, b, state, training);

    private static void NormBackward(Tensor g, Tensor r, Tensor x, Tensor? w, Tensor? b, BatchNormState state, bool training, Tensor? dx, Tensor? dw, Tensor? db)
    {
        if (x.Rank == 4)
        {
            BatchNorm2dBackward(g, r, x, w, b, state, training, dx, dw, db);
        }
        else
        {
            BatchNorm1dBackward(g, r, x, w, b, state, training, dx, dw, db);
        }
    }

    public static TheoryData<int[]> Shapes => new() { new[] { 4, 3 }, new[] { 5, 11 }, new[] { 3, 2, 5 }, new[] { 2, 3, 4, 5 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Training_normalizes_with_the_batch_statistics_and_updates_the_running_ones(int[] shape)
    {
        var random = new Random(1);
        int channels = shape[1];
        var x = TensorGradCheck.Random(shape, random, -1, 3);
        var x2 = TensorGradCheck.Random(shape, random, -2, 5);
        var weight = TensorGradCheck.Random([channels], random);
        var bias = TensorGradCheck.Random([channels], random);
        var state = new BatchNormState(channels, DType.Float64);

        var y = Norm(x, weight, bias, state, training: true);
        Norm(x2, weight, bias, state, training: true);

        AssertClose(Normalize(x, c => { var s = ChannelStatistics(x, c); return (s.Mean, s.Biased); }, weight, bias), y.Doubles, 1e-12, "y");
        for (int c = 0; c < channels; c++)
        {
            var (m1, _, v1) = ChannelStatistics(x, c);
            var (m2, _, v2) = ChannelStatistics(x2, c);
            double expectedMean = 0.9 * (0.9 * 0 + 0.1 * m1) + 0.1 * m2;
            double expectedVar = 0.9 * (0.9 * 1 + 0.1 * v1) + 0.1 * v2;
            Assert.Equal(expectedMean, state.RunningMean.Doubles[c], 1e-13);
            Assert.Equal(expectedVar, state.RunningVar.Doubles[c], 1e-13);
        }

        Assert.Equal(2, state.BatchesTracked);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Evaluation_normalizes_with_the_running_statistics_and_leaves_them_alone(int[] shape)
    {
        var random = new Random(2);
        int channels = shape[1];
        var x = TensorGradCheck.Random(shape, random);
        var weight = TensorGradCheck.Random([channels], random);
        var bias = TensorGradCheck.Random([channels], random);
        var state = new BatchNormState(channels, DType.Float64);
        for (int c = 0; c < channels; c++)
        {
            state.RunningMean.Doubles[c] = 0.1 * c - 0.2;
            state.RunningVar.Doubles[c] = 0.5 + c;
        }

        var y = Norm(x, weight, bias, state, training: false);

        AssertClose(Normalize(x, c => (0.1 * c - 0.2, 0.5 + c), weight, bias), y.Doubles, 1e-14, "y");
        for (int c = 0; c < channels; c++)
        {
            Assert.Equal(0.1 * c - 0.2, state.RunningMean.Doubles[c]);
            Assert.Equal(0.5 + c, state.RunningVar.Doubles[c]);
        }

        Assert.Equal(0, state.BatchesTracked);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_rules_match_finite_differences_in_training_and_in_evaluation(int[] shape)
    {
        var random = new Random(3);
        int channels = shape[1];
        var x = TensorGradCheck.Random(shape, random);
        var weight = TensorGradCheck.Random([channels], random, 0.5, 1.5);
        var bias = TensorGradCheck.Random([channels], random);
        foreach (bool training in new[] { true, false })
        {
            var state = new BatchNormState(channels, DType.Float64);
            state.RunningMean.Fill(0.3);
            state.RunningVar.Fill(0.7);
            TensorGradCheck.Check(
                t => Norm(t[0], t[1], t[2], state, training),
                (g, r, t, d) => NormBackward(g, r, t[0], t[1], t[2], state, training, d[0], d[1], d[2]),
                [x, weight, bias]);
        }
    }

    [Fact]
    public void Without_weight_and_bias_the_output_is_only_normalized()
    {
        var random = new Random(4);
        var x = TensorGradCheck.Random([3, 2, 3, 3], random);
        var state = new BatchNormState(2, DType.Float64);
        var y = BatchNorm2d(x, null, null, state, training: true);
        AssertClose(Normalize(x, c => { var s = ChannelStatistics(x, c); return (s.Mean, s.Biased); }, null, null), y.Doubles, 1e-12, "y");
        TensorGradCheck.Check(
            t => BatchNorm2d(t[0], null, null, state, training: true),
            (g, r, t, d) => BatchNorm2dBackward(g, r, t[0], null, null, state, true, d[0], null, null),
            [x]);
    }

    [Theory]
    [InlineData(new[] { 8, 4, 6, 6 })]
    [InlineData(new[] { 16, 37 })]      // features: the row-wise path, and more channels than a vector holds
    public void Float_matches_double(int[] shape)
    {
        var random = new Random(5);
        int channels = shape[1];
        var x = TensorGradCheck.Random(shape, random, 2, 4);
        var weight = TensorGradCheck.Random([channels], random);
        var bias = TensorGradCheck.Random([channels], random);
        var g = TensorGradCheck.Random(x.Shape, random);
        var state64 = new BatchNormState(channels, DType.Float64);
        var state32 = new BatchNormState(channels);
        var y64 = Norm(x, weight, bias, state64, training: true);
        var y32 = Norm(x.To(DType.Float32), weight.To(DType.Float32), bias.To(DType.Float32), state32, training: true);
        AssertClose(y64.Doubles, y32.Floats, 1e-5, "y");
        AssertClose(state64.RunningMean.Doubles, state32.RunningMean.Floats, 1e-6, "running mean");
        AssertClose(state64.RunningVar.Doubles, state32.RunningVar.Floats, 1e-6, "running var");

        var dx64 = Tensor.Zeros(DType.Float64, x.Shape);
        var dw64 = Tensor.Zeros(DType.Float64, channels);
        var db64 = Tensor.Zeros(DType.Float64, channels);
        NormBackward(g, y64, x, weight, bias, state64, true, dx64, dw64, db64);
        var dx32 = Tensor.Zeros(DType.Float32, x.Shape);
        var dw32 = Tensor.Zeros(DType.Float32, channels);
        var db32 = Tensor.Zeros(DType.Float32, channels);
        NormBackward(g.To(DType.Float32), y32, x.To(DType.Float32), weight.To(DType.Float32), bias.To(DType.Float32), state32, true, dx32, dw32, db32);
        AssertClose(dx64.Doubles, dx32.Floats, 1e-4, "dx");
        AssertClose(dw64.Doubles, dw32.Floats, 1e-4, "dw");
        AssertClose(db64.Doubles, db32.Floats, 1e-4, "db");
    }

    [Fact]
    public void State_defaults_follow_PyTorch_and_reset()
    {
        var state = new BatchNormState(3);
        Assert.Equal(0.1, state.Momentum);
        Assert.Equal(1e-5, state.Eps);
        Assert.Equal(DType.Float32, state.DType);
        Assert.Equal([0f, 0f, 0f], state.RunningMean.Floats.ToArray());
        Assert.Equal([1f, 1f, 1f], state.RunningVar.Floats.ToArray());
        BatchNorm1d(Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 7 }, 2, 3), null, null, state, training: true);
        Assert.NotEqual(0f, state.RunningMean.Floats[0]);
        state.Reset();
        Assert.Equal([0f, 0f, 0f], state.RunningMean.Floats.ToArray());
        Assert.Equal([1f, 1f, 1f], state.RunningVar.Floats.ToArray());
        Assert.Equal(0, state.BatchesTracked);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.Momentum = 1.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormState(3, eps: 0));
    }

    [Fact]
    public void Wrong_shapes_and_states_name_the_operation_and_the_shapes()
    {
        var state = new BatchNormState(3);
        var channels = Assert.Throws<ArgumentException>(() => BatchNorm2d(Tensor.Zeros(2, 4, 5, 5), null, null, state, true));
        Assert.Contains("BatchNorm2d", channels.Message);
        Assert.Contains("[2, 4, 5, 5]", channels.Message);
        var weight = Assert.Throws<ArgumentException>(() => BatchNorm2d(Tensor.Zeros(2, 3, 5, 5), Tensor.Zeros(4), null, state, true));
        Assert.Contains("[3]", weight.Message);
        Assert.Contains("[4]", weight.Message);
        Assert.Equal("weight", weight.ParamName);
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => BatchNorm2d(Tensor.Zeros(2, 3, 5), null, null, state, true)).Message);
        Assert.Contains("[N, C] or [N, C, L]", Assert.Throws<ArgumentException>(() => BatchNorm1d(Tensor.Zeros(2, 3, 5, 5), null, null, state, true)).Message);
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => BatchNorm1d(Tensor.Zeros(DType.Float64, 2, 3), null, null, state, true)).Message);
        var single = Assert.Throws<ArgumentException>(() => BatchNorm1d(Tensor.Zeros(1, 3), null, null, state, true));
        Assert.Contains("more than one value", single.Message);
        BatchNorm1d(Tensor.Zeros(1, 3), null, null, state, false);   // evaluation needs no batch statistics

        var x = Tensor.Zeros(2, 3);
        var gradient = Assert.Throws<ArgumentException>(() => BatchNorm1dBackward(Tensor.Zeros(3, 2), x, x, null, null, state, true, Tensor.Zeros(2, 3), null, null));
        Assert.Contains("BatchNorm1dBackward", gradient.Message);
        Assert.Contains("[3, 2]", gradient.Message);
        Assert.Throws<ArgumentException>(() => BatchNorm1dBackward(x, x, x, null, null, state, true, null, Tensor.Zeros(3), null));
    }
}
