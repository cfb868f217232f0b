namespace DiffGen.Runtime.Tests.Training;

public sealed class MetricsTests
{
    [Fact]
    public void CountCorrect_compares_the_arg_max_of_each_row_with_its_class_index()
    {
        var scores = Tensor.FromArray(new float[] { 0.1f, 0.7f, 0.2f, 3, -1, 2, 0, 0, 5, 1, 2, 3 }, 4, 3);
        var labels = Tensor.FromArray(new float[] { 1, 0, 1, 2 }, 4);
        Assert.Equal(3, Metrics.CountCorrect(scores, labels));
        Assert.Equal(0.75, Metrics.Accuracy(scores, labels));
    }

    [Fact]
    public void A_tie_goes_to_the_first_class_and_a_row_with_NaN_is_wrong()
    {
        // Row 0 ties (class 0 is predicted), row 1 holds a NaN (never right), row 2 predicts class 0.
        var scores = Tensor.FromArray(new double[] { 2, 2, 1, double.NaN, 1, 0 }, 3, 2);
        Assert.Equal(2, Metrics.CountCorrect(scores, Tensor.FromArray(new double[] { 0, 1, 0 }, 3)));   // rows 0 and 2
        Assert.Equal(1, Metrics.CountCorrect(scores, Tensor.FromArray(new double[] { 0, 0, 1 }, 3)));   // row 0 only: a naive arg-max would pick class 0 in row 1 (NaN > 1 is false)
        Assert.Equal(0, Metrics.CountCorrect(scores, Tensor.FromArray(new double[] { 1, 0, 1 }, 3)));
    }

    [Fact]
    public void Labels_of_shape_n_by_one_are_accepted()
    {
        var scores = Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 2, 2);
        Assert.Equal(2, Metrics.CountCorrect(scores, Tensor.FromArray(new float[] { 1, 0 }, 2, 1)));
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_rejected_naming_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Metrics.CountCorrect(Tensor.Zeros(4, 3), Tensor.Zeros(5)));
        Assert.Equal("classIndices", e.ParamName);
        Assert.Contains("[4, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[5]", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => Metrics.CountCorrect(Tensor.Zeros(4, 1), Tensor.Zeros(4)));
        Assert.Equal("scores", e.ParamName);
        Assert.Contains("at least 2 classes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    public void A_label_that_is_not_a_class_index_is_rejected_naming_the_sample(double label)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.CountCorrect(Tensor.Zeros(DType.Float64, 2, 3), Tensor.FromArray(new double[] { 0, label }, 2)));
        Assert.Contains("sample 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3)", e.Message, StringComparison.Ordinal);
    }
}
