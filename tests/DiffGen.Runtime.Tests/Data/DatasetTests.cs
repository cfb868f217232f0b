namespace DiffGen.Runtime.Tests.Data;

public class DatasetTests
{
    private static Dataset Numbered(int n)
    {
        var features = Tensor.Zeros(n, 3);
        var labels = Tensor.Zeros(n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                features[i, j] = 10 * i + j;
            }

            labels[i] = i;
        }

        return new Dataset(features, labels);
    }

    private static int[] Samples(Dataset data) => data.Labels.Floats.ToArray().Select(v => (int)v).ToArray();

    [Fact]
    public void A_scalar_features_tensor_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(Tensor.Scalar(1), Tensor.Zeros(1)));
        Assert.Equal("features", e.ParamName);
    }

    [Fact]
    public void A_negative_class_index_is_rejected_naming_the_sample()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(Tensor.Zeros(3, 2), new[] { 0, -1, 1 }));
        Assert.Contains("sample 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_at_a_count_gives_the_first_samples_to_training_and_the_rest_to_validation_as_views()
    {
        var data = Numbered(10);
        var (train, validation) = data.Split(7);
        Assert.Equal(Enumerable.Range(0, 7), Samples(train));
        Assert.Equal(Enumerable.Range(7, 3), Samples(validation));

        train.Features[0, 0] = -5;
        Assert.Equal(-5, data.Features[0, 0]);
    }

    [Fact]
    public void Split_first_and_last_takes_the_first_N_and_the_last_M_samples()
    {
        var (train, validation) = Numbered(10).Split(6, 2);
        Assert.Equal(Enumerable.Range(0, 6), Samples(train));
        Assert.Equal([8, 9], Samples(validation));
        Assert.Equal([80f, 81f, 82f], validation.Features.Row(0).Floats.ToArray());
    }

    [Fact]
    public void Split_first_and_last_rejects_parts_that_would_overlap()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(6, 5));
        Assert.Contains("10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_rejects_a_count_beyond_the_dataset()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(-1));
    }

    [Fact]
    public void RandomSplit_partitions_the_samples_keeps_their_order_within_each_part_and_depends_only_on_the_seed()
    {
        var data = Numbered(50);
        var (train, validation) = data.RandomSplit(15, seed: 8);
        int[] t = Samples(train), v = Samples(validation);
        Assert.Equal(35, t.Length);
        Assert.Equal(15, v.Length);
        Assert.Equal(Enumerable.Range(0, 50), t.Concat(v).Order());
        Assert.Equal(t.Order(), t);
        Assert.Equal(v.Order(), v);
        Assert.NotEqual(Enumerable.Range(35, 15), v);

        var again = data.RandomSplit(15, seed: 8);
        Assert.Equal(v, Samples(again.Validation));
        var other = data.RandomSplit(15, seed: 9);
        Assert.NotEqual(v, Samples(other.Validation));

        Assert.Equal(train.Features.Row(0).Floats.ToArray(), data.Features.Row(t[0]).Floats.ToArray());
    }

    [Fact]
    public void RandomSplit_by_fraction_rounds_the_validation_count()
    {
        var (train, validation) = Numbered(10).RandomSplit(0.25, seed: 1);
        Assert.Equal(3, validation.Count);
        Assert.Equal(7, train.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).RandomSplit(1.5, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).RandomSplit(double.NaN, seed: 1));
    }

    [Fact]
    public void Subset_copies_the_chosen_samples_in_the_given_order()
    {
        var data = Numbered(5);
        var subset = data.Subset([4, 1, 1]);
        Assert.Equal([4, 1, 1], Samples(subset));
        Assert.Equal([40f, 41f, 42f], subset.Features.Row(0).Floats.ToArray());
        subset.Features[0, 0] = -1;
        Assert.Equal(40, data.Features[4, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([5]));
    }

    [Fact]
    public void Messages_write_numbers_in_the_invariant_culture_whatever_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // Finnish writes minus as U+2212; messages must keep the ASCII '-' so that they can be searched and compared.
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("fi-FI");
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(3).Subset([-1]));
            Assert.Contains("Index -1 (position 0)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
