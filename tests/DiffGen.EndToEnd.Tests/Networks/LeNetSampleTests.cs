using DiffGen.Samples.LeNet;
using DiffGen.Tests.Shared;

namespace DiffGen.EndToEnd.Tests.Networks;

/// <summary>The LeNet sample (samples/LeNet), run in-process briefly on the MNIST files.</summary>
public sealed class LeNetSampleTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "diffgen-lenet-sample-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void One_epoch_on_8000_MNIST_images_learns_and_writes_the_checkpoint_and_the_plot()
    {
        // The sample's defaults (SGD lr 0.001, momentum 0.9, batch 32) for 250 updates.
        var options = new LeNetOptions
        {
            Data = TestData.Folder("data", "mnist"),
            Epochs = 1,
            TrainCount = 8000,
            TestCount = 1000,
            Output = _output,
        };

        var report = LeNetTraining.Run(options, TextWriter.Null);

        var (untrained, trained) = (report.Epochs[0], report.Epochs[^1]);
        Assert.Equal("MNIST", report.DataName);
        Assert.Equal(250, report.BatchesPerEpoch);
        // Chance is 10 %; half is far above it, and below what one epoch reaches (samples/LeNet/README.md).
        Assert.True(trained.TestAccuracy > 0.5, $"Test accuracy {trained.TestAccuracy:P1} after one epoch (untrained: {untrained.TestAccuracy:P1}).");
        Assert.True(trained.TestLoss < 0.5 * untrained.TestLoss, $"Test loss went from {untrained.TestLoss} to {trained.TestLoss}.");

        // The checkpoint holds every parameter under the model's names: it loads strictly into a new network.
        var fresh = new LeNet5(seed: 42);
        var loaded = Checkpoint.Load(report.CheckpointPath, fresh.NamedParameters());
        Assert.Equal("1", loaded.Metadata["epoch"]);
        Assert.NotNull(loaded.OptimizerState);

        // The plot is a PNG image.
        byte[] png = File.ReadAllBytes(report.PlotPath);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(File.Exists(report.CsvPath));
    }
}
