namespace DiffGen.Runtime.Tests.Data;

public class DataLoaderTests
{
    /// <summary>n samples whose features are [i, 1000 + i] and whose label is 10·i, so every row says which sample it is.</summary>
    private static Dataset Numbered(int n, DType dtype = DType.Float32)
    {
        var features = Tensor.Zeros(dtype, n, 2);
        var labels = Tensor.Zeros(dtype, n);
        for (int i = 0; i < n; i++)
        {
            features[i, 0] = i;
            features[i, 1] = 1000 + i;
            labels[i] = 10 * i;
        }

        return new Dataset(features, labels);
    }

    private static List<int> SamplesOf(Batch batch)
    {
        var samples = new List<int>();
        for (int r = 0; r < batch.Count; r++)
        {
            int sample = (int)batch.Features[r, 0];
            Assert.Equal(1000 + sample, batch.Features[r, 1]);
            Assert.Equal(10 * sample, batch.Labels[r]);
            samples.Add(sample);
        }

        Assert.Equal(samples, batch.SampleIndices.ToArray());
        return samples;
    }

    private static List<int> Epoch(DataLoader loader)
    {
        var order = new List<int>();
        foreach (var batch in loader)
        {
            order.AddRange(SamplesOf(batch));
        }

        return order;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_batch_size_below_one_is_rejected_naming_the_parameter(int batchSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(10), batchSize));
        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains(batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_and_labels_with_different_counts_are_rejected_naming_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(Tensor.Zeros(100, 3), Tensor.Zeros(99), batchSize: 10));
        Assert.Contains("100", e.Message, StringComparison.Ordinal);
        Assert.Contains("99", e.Message, StringComparison.Ordinal);
        Assert.Contains("[100, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_indices_with_a_different_count_are_rejected_naming_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(Tensor.Zeros(5, 3), new[] { 0, 1, 2 }, batchSize: 2));
        Assert.Contains("5", e.Message, StringComparison.Ordinal);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_dataset_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(Tensor.Zeros(0, 3), Tensor.Zeros(0), batchSize: 2));
        Assert.Contains("no samples", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_shuffling_batches_follow_the_dataset_order_and_the_last_partial_batch_is_kept()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4);
        Assert.Equal(3, loader.Count);
        Assert.Equal(10, loader.SamplesPerEpoch);

        var sizes = new List<int>();
        var order = new List<int>();
        foreach (var batch in loader)
        {
            Assert.Equal(sizes.Count, batch.Index);
            sizes.Add(batch.Count);
            Assert.Equal(batch.Count, batch.Labels.Shape[0]);
            order.AddRange(SamplesOf(batch));
        }

        Assert.Equal([4, 4, 2], sizes);
        Assert.Equal(Enumerable.Range(0, 10), order);
    }

    [Fact]
    public void DropLast_leaves_out_the_last_partial_batch()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal(8, loader.SamplesPerEpoch);
        Assert.Equal(Enumerable.Range(0, 8), Epoch(loader));
    }

    [Fact]
    public void DropLast_with_a_batch_larger_than_the_dataset_is_rejected_because_no_batch_would_remain()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(Numbered(3), batchSize: 4, dropLast: true));
        Assert.Equal("dropLast", e.ParamName);
    }

    [Fact]
    public void A_batch_larger_than_the_dataset_gives_one_batch_of_the_whole_dataset()
    {
        var loader = new DataLoader(Numbered(3), batchSize: 100, shuffle: true, seed: 4);
        Assert.Equal(1, loader.Count);
        var order = Epoch(loader);
        Assert.Equal([0, 1, 2], order.Order());
    }

    [Fact]
    public void Batch_size_one_is_stochastic_gradient_descent_with_one_sample_per_batch()
    {
        var loader = new DataLoader(Numbered(7), batchSize: 1, shuffle: true, seed: 9);
        Assert.Equal(7, loader.Count);
        foreach (var batch in loader)
        {
            Assert.Equal(1, batch.Count);
            Assert.True(batch.Features.HasShape([1, 2]));
            Assert.True(batch.Labels.HasShape([1]));
        }
    }

    [Fact]
    public void Batch_size_equal_to_the_dataset_is_batch_gradient_descent_with_the_dataset_itself_as_the_only_batch()
    {
        var data = Numbered(6);
        var loader = new DataLoader(data, batchSize: 6);
        Assert.Equal(1, loader.Count);
        int batches = 0;
        foreach (var (features, labels) in loader)
        {
            Assert.Same(data.Features, features);
            Assert.Same(data.Labels, labels);
            batches++;
        }

        Assert.Equal(1, batches);
    }

    [Fact]
    public void Shuffling_visits_every_sample_exactly_once_per_epoch_in_a_new_order_each_epoch()
    {
        var loader = new DataLoader(Numbered(50), batchSize: 8, shuffle: true, seed: 123);
        var first = Epoch(loader);
        var second = Epoch(loader);
        Assert.Equal(Enumerable.Range(0, 50), first.Order());
        Assert.Equal(Enumerable.Range(0, 50), second.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_bit_for_bit_and_another_seed_gives_other_batches()
    {
        var data = Synthetic.Blobs(37, centers: 3, seed: 5);
        static List<(int[] Features, int[] Labels)> Run(DataLoader loader)
        {
            var all = new List<(int[], int[])>();
            for (int epoch = 0; epoch < 3; epoch++)
            {
                foreach (var (features, labels) in loader)
                {
                    all.Add((features.Floats.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray(),
                             labels.Floats.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray()));
                }
            }

            return all;
        }

        var a = Run(new DataLoader(data, batchSize: 5, shuffle: true, seed: 42));
        var b = Run(new DataLoader(data, batchSize: 5, shuffle: true, seed: 42));
        var c = Run(new DataLoader(data, batchSize: 5, shuffle: true, seed: 43));
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Features, b[i].Features);
            Assert.Equal(a[i].Labels, b[i].Labels);
        }

        Assert.Contains(Enumerable.Range(0, a.Count), i => !a[i].Features.SequenceEqual(c[i].Features));
    }

    [Fact]
    public void The_order_of_an_epoch_depends_only_on_the_seed_and_the_epoch_number_so_a_run_can_resume()
    {
        var data = Numbered(20);
        var uninterrupted = new DataLoader(data, batchSize: 6, shuffle: true, seed: 7);
        Epoch(uninterrupted);
        Epoch(uninterrupted);
        var third = Epoch(uninterrupted);
        Assert.Equal(3, uninterrupted.Epoch);

        var resumed = new DataLoader(data, batchSize: 6, shuffle: true, seed: 7) { Epoch = 2 };
        Assert.Equal(third, Epoch(resumed));
    }

    [Fact]
    public void The_shuffled_order_is_pinned_so_that_it_never_changes_between_versions()
    {
        // The permutation of 10 samples for seed 2024, epoch 0, recorded when the generator was written and reproduced by a
        // separate Python transcription of SplitMix64 + xoshiro256** + Lemire + Fisher-Yates. If this fails, every
        // seeded run in the wild changes: do not update the expectation unless that is intended.
        var loader = new DataLoader(Numbered(10), batchSize: 10, shuffle: true, seed: 2024);
        Assert.Equal(PinnedOrder, Epoch(loader));
    }

    private static readonly int[] PinnedOrder = [8, 1, 6, 2, 4, 9, 5, 3, 7, 0];

    [Fact]
    public void Batches_reuse_the_same_buffers()
    {
        var loader = new DataLoader(Numbered(12), batchSize: 4, shuffle: true, seed: 1);
        var features = new List<Tensor>();
        var labels = new List<Tensor>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            foreach (var batch in loader)
            {
                features.Add(batch.Features);
                labels.Add(batch.Labels);
            }
        }

        Assert.All(features, f => Assert.Same(features[0], f));
        Assert.All(labels, l => Assert.Same(labels[0], l));
    }

    [Fact]
    public void Enumerating_an_epoch_allocates_a_constant_amount_whatever_the_number_of_batches()
    {
        var few = new DataLoader(Numbered(40), batchSize: 4, shuffle: true, seed: 3);      // 10 batches
        var many = new DataLoader(Numbered(4000), batchSize: 4, shuffle: true, seed: 3);   // 1000 batches
        long fewBytes = AllocatedByOneEpoch(few);
        long manyBytes = AllocatedByOneEpoch(many);
        Assert.True(manyBytes <= 256, $"An epoch of 1000 batches allocated {manyBytes} bytes.");
        Assert.Equal(fewBytes, manyBytes);
    }

    private static long AllocatedByOneEpoch(DataLoader loader)
    {
        double sum = 0;
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            foreach (var (features, _) in loader)
            {
                sum += features.Floats[0];
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var (features, labels) in loader)
        {
            sum += features.Floats[0] + labels.Floats[0];
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(sum >= 0);
        return after - before;
    }

    [Fact]
    public void Starting_another_epoch_invalidates_the_enumerator_of_the_previous_one()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 2);
        var first = loader.GetEnumerator();
        Assert.True(first.MoveNext());
        var second = loader.GetEnumerator();
        Assert.True(second.MoveNext());
        var e = Assert.Throws<InvalidOperationException>(() => first.MoveNext());
        Assert.Contains("one enumeration at a time", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_indices_given_as_an_int_array_become_a_labels_tensor_of_the_features_element_type()
    {
        var features = Tensor.Zeros(DType.Float64, 4, 3);
        var loader = new DataLoader(features, new[] { 3, 0, 2, 1 }, batchSize: 4);
        Assert.Equal(DType.Float64, loader.Dataset.Labels.DType);
        Assert.True(loader.Dataset.Labels.HasShape([4]));
        Assert.Equal([3.0, 0.0, 2.0, 1.0], loader.Dataset.Labels.Doubles.ToArray());
    }

    [Fact]
    public void Batches_of_a_float64_dataset_with_image_shaped_features_keep_the_element_type_and_the_trailing_shape()
    {
        var features = Tensor.Zeros(DType.Float64, 5, 2, 3);
        for (int i = 0; i < features.Length; i++)
        {
            features.Doubles[i] = i;
        }

        var loader = new DataLoader(new Dataset(features, Enumerable.Range(0, 5).ToArray()), batchSize: 2, shuffle: true, seed: 11);
        foreach (var batch in loader)
        {
            Assert.Equal(DType.Float64, batch.Features.DType);
            Assert.Equal([batch.Count, 2, 3], batch.Features.Shape.ToArray());
            for (int r = 0; r < batch.Count; r++)
            {
                int sample = batch.SampleIndices[r];
                Assert.Equal(sample, batch.Labels[r]);
                Assert.Equal(features.Row(sample).Doubles.ToArray(), batch.Features.Row(r).Doubles.ToArray());
            }
        }
    }

    [Fact]
    public void Setting_a_negative_epoch_is_rejected()
    {
        var loader = new DataLoader(Numbered(4), batchSize: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch = -1);
    }
}
