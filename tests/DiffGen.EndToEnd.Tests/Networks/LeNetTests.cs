using DiffGen.Kernels;
using DiffGen.Tests.Shared;

namespace DiffGen.EndToEnd.Tests.Networks;

/// <summary>LeNet-5 end to end: the generated gradient through convolutions, pooling and dense layers.</summary>
public class LeNetTests
{
    private static (Tensor Images, Tensor Labels) Batch(DType dtype, int count)
    {
        var (data, _) = Mnist.LoadTest(TestData.Folder("data", "mnist"), ImageLayout.ChannelsRowsColumns).Split(count, 0);
        return (data.Features.To(dtype), data.Labels.To(dtype));
    }

    [Fact]
    public void Gradients_of_every_parameter_match_finite_differences()
    {
        var net = new LeNet(DType.Float64, seed: 3);
        var (images, labels) = Batch(DType.Float64, 2);

        var result = GradCheck.Parameters(
            net.Parameters(),
            () => net.Loss(images, labels),
            () => net.LossWithGradient(images, labels),
            // ReLU and max-pooling kinks are everywhere in 61,706 dimensions: a smaller step crosses fewer of them.
            Check.Options with { Points = 4, DirectionsPerPoint = 8, Spread = 0.05, Step = 1e-4 });

        Assert.True(result.Passed, result.ToString());
        Assert.True(result.Checks >= 10, $"Only {result.Checks} smooth checks: {result}");
        Assert.Equal(
            ["conv1.Weight", "conv1.Bias", "conv2.Weight", "conv2.Bias", "fc1.Weight", "fc1.Bias", "fc2.Weight", "fc2.Bias", "fc3.Weight", "fc3.Bias"],
            net.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void The_forward_pass_gives_ten_scores_per_image()
    {
        var net = new LeNet(DType.Float32);
        var (images, _) = Batch(DType.Float32, 3);

        Assert.True(net.Forward(images).HasShape([3, 10]));
    }

    [Fact]
    public void A_training_step_allocates_nothing_after_the_first()
    {
        var net = new LeNet(DType.Float32);
        var (images, labels) = Batch(DType.Float32, 64);
        var optimizer = new Sgd(net.Parameters(), lr: 0.001, momentum: 0.9);
        for (int i = 0; i < 5; i++)
        {
            Step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        long helpersBefore = GemmWorkers.HelperAllocatedBytes;
        Step();
        Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, GemmWorkers.HelperAllocatedBytes - helpersBefore);

        void Step()
        {
            net.ZeroGrad();
            net.LossWithGradient(images, labels);
            optimizer.Step();
        }
    }

    [Fact]
    public void Training_lowers_the_loss_on_a_batch()
    {
        var net = new LeNet(DType.Float32);
        var (images, labels) = Batch(DType.Float32, 64);
        var optimizer = new Sgd(net.Parameters(), lr: 0.01, momentum: 0.9);
        double first = net.Loss(images, labels);

        for (int i = 0; i < 30; i++)
        {
            net.ZeroGrad();
            net.LossWithGradient(images, labels);
            optimizer.Step();
        }

        double last = net.Loss(images, labels);
        Assert.True(last < 0.5 * first, $"The loss went from {first} to {last}; 30 steps on one batch should at least halve it.");
    }
}
