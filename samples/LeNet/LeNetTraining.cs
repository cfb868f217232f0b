using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace DiffGen.Samples.LeNet;

/// <summary>One epoch's figures.</summary>
/// <param name="Epoch">The epoch, from 1; 0 is the untrained network.</param>
/// <param name="TrainLoss">The mean loss of the epoch's batches (NaN for epoch 0).</param>
/// <param name="TestLoss">The mean loss on the test images after the epoch.</param>
/// <param name="TestAccuracy">The fraction of test images whose highest score is the right digit.</param>
/// <param name="Seconds">Training time since the start (evaluation not counted).</param>
internal sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double Seconds);

/// <summary>What a training run did and wrote.</summary>
internal sealed record TrainingReport(
    string DataName,
    IReadOnlyList<EpochResult> Epochs,
    IReadOnlyList<double> BatchLosses,
    int BatchesPerEpoch,
    string CheckpointPath,
    string PlotPath,
    string CsvPath);

/// <summary>The lesson's training loop, written out: the sample's entry logic, also run by the end-to-end tests.</summary>
internal static class LeNetTraining
{
    /// <summary>Loads the data, trains LeNet-5, reports every epoch and writes the checkpoint, the plot and the CSV.</summary>
    /// <param name="options">Data, sizes, learning rate, output folder.</param>
    /// <param name="log">Where progress goes (the console, or <see cref="TextWriter.Null"/>).</param>
    /// <param name="live">Whether <paramref name="log"/> is a terminal, where a progress line can be redrawn in place.</param>
    public static TrainingReport Run(LeNetOptions options, TextWriter log, bool live = false)
    {
        Directory.CreateDirectory(options.Output);
        var (train, test, dataName) = Load(options);
        log.WriteLine($"{dataName}: {train.Count} training and {test.Count} test images {ShapeText(train.Features.Shape)}.");

        // The model, the optimizer and the mini-batches.
        var net = new LeNet5(options.Seed);
        var optimizer = new Sgd(net.Parameters(), lr: options.LearningRate, momentum: options.Momentum);
        var loader = new DataLoader(train, options.BatchSize, shuffle: true, seed: options.Seed);
        var testLoader = new DataLoader(test, batchSize: 500);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LeNet-5, {net.Parameters().Sum(p => p.Value.Length):N0} parameters; SGD lr {options.LearningRate}, momentum {options.Momentum}; batch {options.BatchSize}, {loader.Count} updates per epoch."));

        var (loss0, accuracy0) = Evaluate(net, testLoader);
        var epochs = new List<EpochResult> { new(0, double.NaN, loss0, accuracy0, 0) };
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch 0: test loss {loss0:F4}, accuracy {accuracy0:P1} (untrained: chance is 10 %)"));

        var batchLosses = new List<double>();
        var clock = new Stopwatch();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            clock.Start();
            double sum = 0;
            foreach (var (images, labels) in loader)
            {
                // The loop of the lesson, per batch:
                optimizer.ZeroGrad();                                  // 1. gradients add up until cleared
                double loss = net.LossWithGradient(images, labels);    // 2. forward, loss, and the generated backward
                optimizer.Step();                                      // 3. θ ← θ − γ·v, v ← μ·v + ∇loss

                sum += loss;
                batchLosses.Add(loss);
                Progress(log, live, epoch, batchLosses.Count - (epoch - 1) * loader.Count, loader.Count, sum);
            }

            clock.Stop();

            // Per epoch: how well the network does on images it has never trained on.
            var (testLoss, accuracy) = Evaluate(net, testLoader);
            epochs.Add(new EpochResult(epoch, sum / loader.Count, testLoss, accuracy, clock.Elapsed.TotalSeconds));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}: train loss {sum / loader.Count:F4}, test loss {testLoss:F4}, accuracy {accuracy:P1}, {clock.Elapsed.TotalSeconds:F1} s"));
        }

        // The weights and the optimizer's momentum buffers, in the safetensors format (docs/checkpoints.md).
        var last = epochs[^1];
        string checkpoint = Path.Combine(options.Output, "lenet5.safetensors");
        Checkpoint.Save(checkpoint, net.NamedParameters(), optimizer.SaveState(), new Dictionary<string, string>
        {
            ["data"] = dataName,
            ["epoch"] = last.Epoch.ToString(CultureInfo.InvariantCulture),
            ["test_accuracy"] = last.TestAccuracy.ToString("R", CultureInfo.InvariantCulture),
        });

        string plot = Plot(Path.Combine(options.Output, "learning-curves.png"), dataName, options, epochs, batchLosses, loader.Count);
        string csv = WriteCsv(Path.Combine(options.Output, "epochs.csv"), epochs);
        log.WriteLine($"Wrote {checkpoint}, {plot} and {csv}.");
        return new TrainingReport(dataName, epochs, batchLosses, loader.Count, checkpoint, plot, csv);
    }

    private static (Dataset Train, Dataset Test, string Name) Load(LeNetOptions options)
    {
        if (options.Data is { } folder)
        {
            // The MNIST test file (10,000 images): the first images train, the last ones test; they never overlap.
            var all = Mnist.LoadTest(folder, ImageLayout.ChannelsRowsColumns);
            if (options.TrainCount + options.TestCount > all.Count)
            {
                throw new ArgumentException($"--train {options.TrainCount} and --test {options.TestCount} add up to more than the {all.Count} images in {folder}.");
            }

            var (train, test) = all.Split(options.TrainCount, options.TestCount);
            return (train, test, "MNIST");
        }

        return (SyntheticDigits.Generate(options.TrainCount, options.Seed),
                SyntheticDigits.Generate(options.TestCount, options.Seed + 1_000_003),
                "synthetic digits");
    }

    /// <summary>The mean loss and the accuracy on a data set, in batches, without gradients.</summary>
    private static (double Loss, double Accuracy) Evaluate(LeNet5 net, DataLoader loader)
    {
        double loss = 0;
        int correct = 0, count = 0;
        foreach (var (images, labels) in loader)
        {
            var scores = net.Forward(images);                        // [n, 10]
            loss += Losses.CrossEntropy(scores, labels) * labels.Length;
            var s = scores.Floats;
            var y = labels.Floats;
            for (int i = 0; i < y.Length; i++)
            {
                // The prediction is the digit with the highest score.
                var row = s.Slice(i * 10, 10);
                int best = 0;
                for (int k = 1; k < 10; k++)
                {
                    if (row[k] > row[best])
                    {
                        best = k;
                    }
                }

                correct += best == (int)y[i] ? 1 : 0;
            }

            count += y.Length;
        }

        return (loss / count, (double)correct / count);
    }

    private static void Progress(TextWriter log, bool live, int epoch, int batch, int batches, double sum)
    {
        // In a terminal: one line redrawn every few batches. In a log: a line at every tenth of the epoch.
        int tenth = Math.Max(1, batches / 10);
        if (live ? batch % 5 == 0 || batch == batches : batch % tenth == 0 && batch != batches)
        {
            int filled = 30 * batch / batches;
            string text = string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch} [{new string('#', filled)}{new string('.', 30 - filled)}] {batch}/{batches}, mean loss {sum / batch:F4}");
            if (live)
            {
                log.Write("\r" + text + (batch == batches ? "\r" + new string(' ', text.Length) + "\r" : ""));
            }
            else
            {
                log.WriteLine(text);
            }
        }
    }

    private static string Plot(string path, string dataName, LeNetOptions options, List<EpochResult> epochs, List<double> batchLosses, int batchesPerEpoch)
    {
        var plot = new Plot();

        // Each batch's loss, at its place in the epoch (noisy: one batch is a small sample).
        double[] steps = [.. Enumerable.Range(1, batchLosses.Count).Select(s => (double)s / batchesPerEpoch)];
        var batches = plot.Add.ScatterLine(steps, batchLosses.ToArray());
        batches.LegendText = "training loss per batch";
        batches.LineWidth = 1;
        batches.Color = Colors.LightGray;

        double[] xs = [.. epochs.Select(e => (double)e.Epoch)];
        // An epoch's mean training loss averages the whole epoch: drawn at its middle.
        var train = plot.Add.Scatter(xs.Skip(1).Select(x => x - 0.5).ToArray(), epochs.Skip(1).Select(e => e.TrainLoss).ToArray());
        train.LegendText = "training loss (epoch mean)";
        train.LineWidth = 2;
        var test = plot.Add.Scatter(xs, epochs.Select(e => e.TestLoss).ToArray());
        test.LegendText = "test loss";
        test.LineWidth = 2;

        // Accuracy on its own axis, on the right, in percent.
        var accuracy = plot.Add.Scatter(xs, epochs.Select(e => 100 * e.TestAccuracy).ToArray());
        accuracy.LegendText = "test accuracy (%, right axis)";
        accuracy.LineWidth = 2;
        accuracy.LinePattern = LinePattern.Dashed;
        accuracy.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "test accuracy (%)";
        plot.Axes.SetLimitsY(0, 100, plot.Axes.Right);
        plot.Axes.SetLimitsY(0, Math.Max(2.5, batchLosses.Take(5).DefaultIfEmpty(2.5).Max() * 1.05), plot.Axes.Left);

        plot.Title(string.Create(CultureInfo.InvariantCulture, $"LeNet-5 on {dataName}: SGD lr {options.LearningRate}, momentum {options.Momentum}, batch {options.BatchSize}"));
        plot.XLabel("epoch");
        plot.YLabel("cross-entropy loss");
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, 900, 560);
        return path;
    }

    private static string WriteCsv(string path, List<EpochResult> epochs)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("epoch,train_loss,test_loss,test_accuracy,seconds");
        foreach (var e in epochs)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Epoch},{e.TrainLoss:R},{e.TestLoss:R},{e.TestAccuracy:R},{e.Seconds:R}"));
        }

        return path;
    }

    private static string ShapeText(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[n, " + string.Join(", ", parts.Skip(1)) + "]";
    }
}
