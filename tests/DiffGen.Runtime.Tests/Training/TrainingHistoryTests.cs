using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DiffGen.Runtime.Tests.Training;

/// <summary>The history written as CSV and JSON, read back independently of the writer.</summary>
public sealed class TrainingHistoryTests
{
    private static readonly string[] StepColumns = ["epoch", "batch", "step", "loss", "learning_rate", "validation_loss", "accuracy", "elapsed_seconds"];
    private static readonly string[] EpochColumns = ["epoch", "batches", "steps", "train_loss", "validation_loss", "accuracy", "learning_rate", "elapsed_seconds"];

    /// <summary>3 epochs of 4 batches, evaluated every 3 steps and at epoch ends, with accuracy and a schedule.</summary>
    private static TrainingHistory Run()
    {
        var (train, validation) = Synthetic.Blobs(100, centers: 2, seed: 3, standardDeviation: 4).RandomSplit(20, seed: 4);
        var problem = new SoftmaxRegressionProblem(2, 2);
        var optimizer = new Sgd(problem.Parameters, lr: 0.05);
        var trainer = new Trainer(optimizer, new DataLoader(train, 20, shuffle: true, seed: 5), problem.LossWithGradient)
        {
            MaxEpochs = 3,
            ValidationData = new DataLoader(validation, 20),
            Loss = problem.Loss,
            Predict = problem.Predict,
            EvaluateEverySteps = 3,
            Schedule = new ExponentialLR(optimizer, gamma: 0.7),
        };
        return trainer.Fit().History;
    }

    private static string InCulture(string culture, Func<string> write)
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return write();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    private static double? Field(string text) => text.Length == 0 ? null : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double? Optional(double value) => double.IsNaN(value) ? null : value;

    [Fact]
    public void Steps_csv_has_the_documented_columns_and_round_trips_every_value_in_any_culture()
    {
        var history = Run();
        string csv = InCulture("fi-FI", () =>
        {
            using var writer = new StringWriter(CultureInfo.GetCultureInfo("fi-FI"));
            history.WriteStepsCsv(writer);
            return writer.ToString();
        });

        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(StepColumns, lines[0].Split(','));
        Assert.Equal(history.Steps.Count + 1, lines.Length);
        Assert.Equal(12, history.Steps.Count);
        for (int i = 0; i < history.Steps.Count; i++)
        {
            string[] f = lines[i + 1].Split(',');
            var r = history.Steps[i];
            Assert.Equal(StepColumns.Length, f.Length);
            Assert.Equal(r.Epoch, int.Parse(f[0], CultureInfo.InvariantCulture));
            Assert.Equal(r.Batch, int.Parse(f[1], CultureInfo.InvariantCulture));
            Assert.Equal(r.Step, long.Parse(f[2], CultureInfo.InvariantCulture));
            Assert.Equal(r.Loss, Field(f[3]));
            Assert.Equal(r.LearningRate, Field(f[4]));
            Assert.Equal(Optional(r.ValidationLoss), Field(f[5]));
            Assert.Equal(Optional(r.Accuracy), Field(f[6]));
            Assert.Equal(r.Elapsed.TotalSeconds, Field(f[7]));
        }

        Assert.Contains(history.Steps, r => double.IsNaN(r.ValidationLoss));
        Assert.Contains(history.Steps, r => !double.IsNaN(r.ValidationLoss));
    }

    [Fact]
    public void Epochs_csv_has_the_documented_columns_and_round_trips_every_value_in_any_culture()
    {
        var history = Run();
        string csv = InCulture("fi-FI", () =>
        {
            using var writer = new StringWriter(CultureInfo.GetCultureInfo("fi-FI"));
            history.WriteEpochsCsv(writer);
            return writer.ToString();
        });

        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(EpochColumns, lines[0].Split(','));
        Assert.Equal(4, lines.Length);
        for (int i = 0; i < history.Epochs.Count; i++)
        {
            string[] f = lines[i + 1].Split(',');
            var r = history.Epochs[i];
            Assert.Equal(EpochColumns.Length, f.Length);
            Assert.Equal(i, int.Parse(f[0], CultureInfo.InvariantCulture));
            Assert.Equal(4, int.Parse(f[1], CultureInfo.InvariantCulture));
            Assert.Equal(4 * (i + 1), long.Parse(f[2], CultureInfo.InvariantCulture));
            Assert.Equal(r.TrainLoss, Field(f[3]));
            Assert.Equal(r.ValidationLoss, Field(f[4]));
            Assert.Equal(r.Accuracy, Field(f[5]));
            Assert.Equal(0.05 * Math.Pow(0.7, i), Field(f[6])!.Value, 15);
            Assert.Equal(r.Elapsed.TotalSeconds, Field(f[7]));
        }
    }

    [Fact]
    public void Json_holds_steps_and_epochs_with_the_documented_names_and_null_for_missing_values()
    {
        var history = Run();
        using var stream = new MemoryStream();
        InCulture("fi-FI", () =>
        {
            history.WriteJson(stream, indented: true);
            return string.Empty;
        });

        using var document = JsonDocument.Parse(stream.ToArray());
        var root = document.RootElement;
        Assert.Equal(["steps", "epochs"], root.EnumerateObject().Select(p => p.Name));

        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(history.Steps.Count, steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            var r = history.Steps[i];
            var s = steps[i];
            Assert.Equal(StepColumns, s.EnumerateObject().Select(p => p.Name));
            Assert.Equal(r.Epoch, s.GetProperty("epoch").GetInt32());
            Assert.Equal(r.Batch, s.GetProperty("batch").GetInt32());
            Assert.Equal(r.Step, s.GetProperty("step").GetInt64());
            Assert.Equal(r.Loss, s.GetProperty("loss").GetDouble());
            Assert.Equal(r.LearningRate, s.GetProperty("learning_rate").GetDouble());
            Assert.Equal(Optional(r.ValidationLoss), Number(s.GetProperty("validation_loss")));
            Assert.Equal(Optional(r.Accuracy), Number(s.GetProperty("accuracy")));
            Assert.Equal(r.Elapsed.TotalSeconds, s.GetProperty("elapsed_seconds").GetDouble());
        }

        var epochs = root.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal(3, epochs.Count);
        for (int i = 0; i < epochs.Count; i++)
        {
            var r = history.Epochs[i];
            var e = epochs[i];
            Assert.Equal(EpochColumns, e.EnumerateObject().Select(p => p.Name));
            Assert.Equal(i, e.GetProperty("epoch").GetInt32());
            Assert.Equal(r.Batches, e.GetProperty("batches").GetInt32());
            Assert.Equal(r.Steps, e.GetProperty("steps").GetInt64());
            Assert.Equal(r.TrainLoss, e.GetProperty("train_loss").GetDouble());
            Assert.Equal(r.ValidationLoss, e.GetProperty("validation_loss").GetDouble());
            Assert.Equal(r.Accuracy, e.GetProperty("accuracy").GetDouble());
            Assert.Equal(r.LearningRate, e.GetProperty("learning_rate").GetDouble());
        }

        // The text itself: invariant numbers (a '.' decimal point) and JSON nulls.
        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"validation_loss\": null", text, StringComparison.Ordinal);
        Assert.Contains("\"learning_rate\": 0.05", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_written_by_the_source_generated_serializer_with_reflection_turned_off()
    {
        // The test project turns reflection-based serialization off, as Native AOT does; a reflection fallback would throw.
        Assert.False(JsonSerializer.IsReflectionEnabledByDefault);
        var history = Run();
        using var stream = new MemoryStream();

        history.WriteJson(stream);

        using var document = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(history.Steps.Count, document.RootElement.GetProperty("steps").GetArrayLength());
        Assert.Equal(history.Epochs.Count, document.RootElement.GetProperty("epochs").GetArrayLength());
    }

    [Fact]
    public void Json_to_a_utf8_json_writer_is_the_same_as_to_a_stream_and_is_flushed()
    {
        var history = Run();
        using var direct = new MemoryStream();
        history.WriteJson(direct);
        using var viaWriter = new MemoryStream();
        using var writer = new Utf8JsonWriter(viaWriter);

        history.WriteJson(writer);

        Assert.Equal(direct.ToArray(), viaWriter.ToArray());
    }

    [Fact]
    public void Without_a_validation_set_the_validation_and_accuracy_columns_are_empty()
    {
        var problem = new LinearRegressionProblem(1);
        var data = Synthetic.LinearRegression(32, [1.0], 0, 0.1, seed: 1, DType.Float64);
        var history = new Trainer(new Sgd(problem.Parameters, lr: 0.1), new DataLoader(data, 16), problem.LossWithGradient) { MaxEpochs = 2 }.Fit().History;
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        history.WriteEpochsCsv(writer);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.Skip(1), line =>
        {
            string[] f = line.Split(',');
            Assert.Equal(string.Empty, f[4]);
            Assert.Equal(string.Empty, f[5]);
            Assert.NotEqual(string.Empty, f[3]);
        });
    }

    private static double? Number(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetDouble();
}
