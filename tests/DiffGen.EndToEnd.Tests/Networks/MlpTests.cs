using DiffGen.Kernels;
using DiffGen.Tests.Shared;
using Xunit.Abstractions;

namespace DiffGen.EndToEnd.Tests.Networks;

/// <summary>The lesson's multi-layer perceptron: its generated gradient, its training on MNIST, and its cost per step.</summary>
public class MlpTests(ITestOutputHelper output)
{
    [Fact]
    public void Gradients_of_every_parameter_match_finite_differences()
    {
        var random = new Random(5);
        var net = new Mlp(DType.Float64, inputs: 6, hidden: 5, classes: 3, seed: 3);
        var images = Tensor.Zeros(DType.Float64, 4, 6);
        for (int i = 0; i < images.Length; i++)
        {
            images.Doubles[i] = random.NextDouble();
        }

        var labels = Tensor.FromArray(new double[] { 0, 2, 1, 2 }, 4);

        var result = GradCheck.Parameters(
            net.Parameters(),
            () => net.Loss(images, labels),
            () => net.LossWithGradient(images, labels),
            Check.Options);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(["hidden.Weight", "hidden.Bias", "output.Weight", "output.Bias"], net.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Gradients_through_Linear_in_PyTorch_layout_match_finite_differences()
    {
        var random = new Random(6);
        var net = new TorchLayoutMlp(DType.Float64, inputs: 6, hidden: 5, classes: 3, seed: 4);
        var images = Tensor.Zeros(DType.Float64, 4, 6);
        for (int i = 0; i < images.Length; i++)
        {
            images.Doubles[i] = random.NextDouble();
        }

        var labels = Tensor.FromArray(new double[] { 1, 0, 2, 2 }, 4);

        var result = GradCheck.Parameters(
            net.Parameters(),
            () => net.Loss(images, labels),
            () => net.LossWithGradient(images, labels),
            Check.Options);

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Training_on_MNIST_reaches_95_percent_on_held_out_images()
    {
        // The shared 10k MNIST set: train on the first 8,000 images, evaluate on the last 2,000.
        var (train, test) = Mnist.LoadTest(TestData.Folder("data", "mnist")).Split(8000, 2000);
        var net = new Mlp(DType.Float32, seed: 1);
        var optimizer = new Adam(net.Parameters(), lr: 1e-3);
        var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 2);

        for (int epoch = 0; epoch < 15; epoch++)
        {
            foreach (var batch in loader)
            {
                optimizer.ZeroGrad();
                net.LossWithGradient(batch.Features, batch.Labels);
                optimizer.Step();
            }
        }

        var scores = net.Forward(test.Features);
        int correct = Metrics.CountCorrect(scores, test.Labels);
        output.WriteLine($"MNIST MLP: {correct} of 2000 held-out images correct ({correct / 20.0:F2}%).");
        Assert.True(correct >= 1900, $"{correct} of 2000 held-out images classified correctly; at least 1900 (95%) expected.");
    }

    [Fact]
    public void A_training_step_allocates_nothing_after_the_first()
    {
        var (train, _) = Mnist.LoadTest(TestData.Folder("data", "mnist")).Split(512, 0);
        var net = new Mlp(DType.Float32, seed: 1);
        var optimizer = new Sgd(net.Parameters(), lr: 0.01, momentum: 0.9);
        var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 2);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            Epoch();
        }

        // The calling thread and the GEMM's helper threads, measured exactly.
        long before = GC.GetAllocatedBytesForCurrentThread();
        long helpersBefore = GemmWorkers.HelperAllocatedBytes;
        Epoch();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, GemmWorkers.HelperAllocatedBytes - helpersBefore);

        void Epoch()
        {
            foreach (var batch in loader)
            {
                net.ZeroGrad();
                net.LossWithGradient(batch.Features, batch.Labels);
                optimizer.Step();
            }
        }
    }
}
