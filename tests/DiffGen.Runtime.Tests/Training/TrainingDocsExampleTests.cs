using System.Text.Json;

namespace DiffGen.Runtime.Tests.Training;

/// <summary>The example of docs/training.md, run as written against a small model with the same methods.</summary>
public sealed class TrainingDocsExampleTests
{
    /// <summary>Stands in for a user's generated model: softmax regression with the methods the example calls.</summary>
    private sealed class Net
    {
        private readonly SoftmaxRegressionProblem _model = new(features: 2, classes: 3);

        public Parameter[] Parameters() => _model.Parameters;

        public float LossWithGradient(Tensor inputs, Tensor labels) => (float)_model.LossWithGradient(inputs, labels);

        public float Loss(Tensor inputs, Tensor labels) => (float)_model.Loss(inputs, labels);

        public Tensor Forward(Tensor inputs) => _model.Predict(inputs);
    }

    private sealed class ConsoleProgress(TextWriter console) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Kind == TrainingProgressKind.Epoch)
            {
                console.WriteLine($"epoch {p.Epoch}: train {p.Loss:F4}, validation {p.ValidationLoss:F4}, accuracy {p.Accuracy:P1}");
            }
        }
    }

    [Fact]
    public void The_documented_example_trains_stops_and_writes_its_history()
    {
        var net = new Net();
        using var console = new StringWriter();
        string directory = Directory.CreateTempSubdirectory("diffgen-training-docs").FullName;
        try
        {
            // The example, with Console replaced by a writer, files put in a temporary directory, and no Ctrl+C handler
            // (the token is never cancelled here); then what it promises.
            var (train, validation) = Synthetic.Blobs(1000, centers: 3, seed: 4).RandomSplit(0.2, seed: 2);
            var optimizer = new Adam(net.Parameters(), lr: 0.01);
            var trainer = new Trainer(
                optimizer,
                new DataLoader(train, batchSize: 32, shuffle: true, seed: 3),
                batch => net.LossWithGradient(batch.Features, batch.Labels))
            {
                MaxEpochs = 50,
                ValidationData = new DataLoader(validation, batchSize: 100),
                Loss = batch => net.Loss(batch.Features, batch.Labels),
                Predict = batch => net.Forward(batch.Features),     // accuracy against class-index labels
                EarlyStoppingPatience = 5,                           // stops, and restores the best parameters
                Schedule = new CosineAnnealingLR(optimizer, tMax: 50),
            };

            using var cancellation = new CancellationTokenSource();

            TrainingResult result = trainer.Fit(new ConsoleProgress(console), cancellation.Token);
            console.WriteLine(result);

            using (var csv = File.CreateText(Path.Combine(directory, "epochs.csv")))
            {
                result.History.WriteEpochsCsv(csv);
            }

            using (var json = File.Create(Path.Combine(directory, "history.json")))
            {
                result.History.WriteJson(json, indented: true);
            }

            // What the example promises.
            Assert.Equal(TrainingStopReason.EarlyStopping, result.StopReason);
            Assert.Equal(result.BestEpoch + 1 + 5, result.Epochs);
            Assert.True(result.RestoredBestParameters);
            Assert.True(result.Accuracy > 0.95, $"accuracy {result.Accuracy}");
            string[] lines = console.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(result.Epochs + 1, lines.Length);
            Assert.StartsWith("epoch 0: train ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith(result.StopReason.ToString(), lines[^1], StringComparison.Ordinal);
            Assert.Equal(result.Epochs + 1, File.ReadAllLines(Path.Combine(directory, "epochs.csv")).Length);
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "history.json")));
            Assert.Equal(result.History.Steps.Count, document.RootElement.GetProperty("steps").GetArrayLength());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
