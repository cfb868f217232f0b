using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace DiffGen;

/// <summary>One optimizer step of a <see cref="Trainer"/> run.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Batch">The batch within the epoch, from 0.</param>
/// <param name="Step">The step of the run, from 0.</param>
/// <param name="Loss">The batch's training loss, as the step function returned it.</param>
/// <param name="LearningRate">The learning rate of the optimizer's first group used by this step.</param>
/// <param name="ValidationLoss">The validation loss of the evaluation that ran right after this step; <see cref="double.NaN"/> if none did.</param>
/// <param name="Accuracy">The validation accuracy (0 to 1) of that evaluation; <see cref="double.NaN"/> if none was computed.</param>
/// <param name="Elapsed">The time from the start of the run to the end of this step.</param>
public readonly record struct StepRecord(
    int Epoch,
    int Batch,
    long Step,
    double Loss,
    double LearningRate,
    double ValidationLoss,
    double Accuracy,
    TimeSpan Elapsed);

/// <summary>One epoch of a <see cref="Trainer"/> run.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Batches">The number of batches run: the loader's count, or fewer for an epoch cut short.</param>
/// <param name="Steps">The number of steps of the run up to the end of this epoch.</param>
/// <param name="TrainLoss">The mean training loss over the epoch's samples (each batch's loss weighted by its sample count).</param>
/// <param name="ValidationLoss">The validation loss of the evaluation that ended the epoch (mean over the validation samples); <see cref="double.NaN"/> if none ran.</param>
/// <param name="Accuracy">The validation accuracy (0 to 1) of that evaluation; <see cref="double.NaN"/> if none was computed.</param>
/// <param name="LearningRate">The learning rate of the optimizer's first group at the start of the epoch.</param>
/// <param name="Elapsed">The time from the start of the run to the end of the epoch (its evaluation included).</param>
public readonly record struct EpochRecord(
    int Epoch,
    int Batches,
    long Steps,
    double TrainLoss,
    double ValidationLoss,
    double Accuracy,
    double LearningRate,
    TimeSpan Elapsed);

/// <summary>
/// What a <see cref="Trainer"/> run recorded: one <see cref="StepRecord"/> per optimizer step (unless
/// <see cref="Trainer.RecordSteps"/> is off) and one <see cref="EpochRecord"/> per epoch; written as CSV or JSON for
/// plotting.
/// </summary>
/// <remarks>
/// <para>
/// Files use the invariant culture whatever the machine's culture, numbers round-trip (the shortest text that parses
/// back to the same <see cref="double"/>), and a value that is not there (<see cref="double.NaN"/>: no validation set,
/// no evaluation after a step) is an empty CSV field or a JSON <c>null</c>. Times are in seconds.
/// </para>
/// <para>
/// Step columns: <c>epoch, batch, step, loss, learning_rate, validation_loss, accuracy, elapsed_seconds</c>.
/// Epoch columns: <c>epoch, batches, steps, train_loss, validation_loss, accuracy, learning_rate, elapsed_seconds</c>.
/// The JSON is one object, <c>{"steps": [...], "epochs": [...]}</c>, whose arrays hold objects with those names. It is
/// written by a System.Text.Json source-generated serializer (no reflection), so it works under Native AOT and trimming.
/// </para>
/// </remarks>
public sealed class TrainingHistory
{
    /// <summary>The CSV header of <see cref="WriteStepsCsv"/>.</summary>
    public const string StepsCsvHeader = "epoch,batch,step,loss,learning_rate,validation_loss,accuracy,elapsed_seconds";

    /// <summary>The CSV header of <see cref="WriteEpochsCsv"/>.</summary>
    public const string EpochsCsvHeader = "epoch,batches,steps,train_loss,validation_loss,accuracy,learning_rate,elapsed_seconds";

    private readonly List<StepRecord> _steps;
    private readonly List<EpochRecord> _epochs;

    internal TrainingHistory(int stepCapacity, int epochCapacity)
    {
        _steps = new List<StepRecord>(stepCapacity);
        _epochs = new List<EpochRecord>(epochCapacity);
        Steps = new ReadOnlyCollection<StepRecord>(_steps);
        Epochs = new ReadOnlyCollection<EpochRecord>(_epochs);
    }

    /// <summary>One record per optimizer step, in order (empty when <see cref="Trainer.RecordSteps"/> is off).</summary>
    public IReadOnlyList<StepRecord> Steps { get; }

    /// <summary>One record per epoch, in order; an epoch cut short has a record too.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>Writes the step records as CSV: a header line, then one line per step.</summary>
    /// <param name="writer">Where to write; not closed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    public void WriteStepsCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StepsCsvHeader);
        writer.Write('\n');
        foreach (var r in _steps)
        {
            writer.Write(Integer(r.Epoch));
            writer.Write(',');
            writer.Write(Integer(r.Batch));
            writer.Write(',');
            writer.Write(Integer(r.Step));
            writer.Write(',');
            writer.Write(Number(r.Loss));
            writer.Write(',');
            writer.Write(Number(r.LearningRate));
            writer.Write(',');
            writer.Write(Number(r.ValidationLoss));
            writer.Write(',');
            writer.Write(Number(r.Accuracy));
            writer.Write(',');
            writer.Write(Number(r.Elapsed.TotalSeconds));
            writer.Write('\n');
        }
    }

    /// <summary>Writes the epoch records as CSV: a header line, then one line per epoch.</summary>
    /// <param name="writer">Where to write; not closed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    public void WriteEpochsCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(EpochsCsvHeader);
        writer.Write('\n');
        foreach (var r in _epochs)
        {
            writer.Write(Integer(r.Epoch));
            writer.Write(',');
            writer.Write(Integer(r.Batches));
            writer.Write(',');
            writer.Write(Integer(r.Steps));
            writer.Write(',');
            writer.Write(Number(r.TrainLoss));
            writer.Write(',');
            writer.Write(Number(r.ValidationLoss));
            writer.Write(',');
            writer.Write(Number(r.Accuracy));
            writer.Write(',');
            writer.Write(Number(r.LearningRate));
            writer.Write(',');
            writer.Write(Number(r.Elapsed.TotalSeconds));
            writer.Write('\n');
        }
    }

    /// <summary>Writes the history as one JSON object, <c>{"steps": [...], "epochs": [...]}</c>, in UTF-8.</summary>
    /// <param name="utf8Json">Where to write; not closed.</param>
    /// <param name="indented">Whether to indent the JSON. Default <see langword="false"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    public void WriteJson(Stream utf8Json, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var writer = new Utf8JsonWriter(utf8Json, new JsonWriterOptions { Indented = indented });
        WriteJson(writer);
    }

    /// <summary>Writes the history as one JSON object, <c>{"steps": [...], "epochs": [...]}</c>, to a JSON writer (flushed at the end).</summary>
    /// <param name="writer">The writer, positioned where a value may start.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        JsonSerializer.Serialize(writer, ToJson(), TrainingHistoryJsonContext.Default.TrainingHistoryJson);
        writer.Flush();
    }

    /// <summary>Describes the history.</summary>
    public override string ToString() => FormattableString.Invariant($"TrainingHistory: {_steps.Count} step(s), {_epochs.Count} epoch(s)");

    /// <summary>Makes room for <paramref name="steps"/> more step records and one more epoch record (grows by doubling).</summary>
    internal void Reserve(int steps)
    {
        if (steps > 0)
        {
            _steps.EnsureCapacity(_steps.Count + steps);
        }

        _epochs.EnsureCapacity(_epochs.Count + 1);
    }

    internal void AddStep(in StepRecord record) => _steps.Add(record);

    /// <summary>Adds the results of an evaluation to the last step record, if there is one.</summary>
    internal void SetLastStepEvaluation(double validationLoss, double accuracy)
    {
        int last = _steps.Count - 1;
        if (last >= 0)
        {
            _steps[last] = _steps[last] with { ValidationLoss = validationLoss, Accuracy = accuracy };
        }
    }

    internal void AddEpoch(in EpochRecord record) => _epochs.Add(record);

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => double.IsNaN(value) ? string.Empty : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The records in their JSON shape, for the source-generated serializer.</summary>
    private TrainingHistoryJson ToJson()
    {
        var steps = new StepRecordJson[_steps.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            var r = _steps[i];
            steps[i] = new StepRecordJson(r.Epoch, r.Batch, r.Step, Finite(r.Loss), Finite(r.LearningRate), Finite(r.ValidationLoss), Finite(r.Accuracy), Finite(r.Elapsed.TotalSeconds));
        }

        var epochs = new EpochRecordJson[_epochs.Count];
        for (int i = 0; i < epochs.Length; i++)
        {
            var r = _epochs[i];
            epochs[i] = new EpochRecordJson(r.Epoch, r.Batches, r.Steps, Finite(r.TrainLoss), Finite(r.ValidationLoss), Finite(r.Accuracy), Finite(r.LearningRate), Finite(r.Elapsed.TotalSeconds));
        }

        return new TrainingHistoryJson(steps, epochs);
    }

    /// <summary>JSON has no NaN or infinity: a value that is not a finite number is written as <c>null</c>.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
