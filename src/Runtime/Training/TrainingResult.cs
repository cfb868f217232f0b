using System;

namespace DiffGen;

/// <summary>Why <see cref="Trainer.Fit"/> stopped.</summary>
public enum TrainingStopReason
{
    /// <summary>It ran <see cref="Trainer.MaxEpochs"/> epochs.</summary>
    MaxEpochs,

    /// <summary>
    /// The monitored loss changed by less than <see cref="Trainer.ConvergenceTolerance"/> (relative) for
    /// <see cref="Trainer.ConvergencePatience"/> evaluations in a row.
    /// </summary>
    Converged,

    /// <summary>The validation loss did not improve for <see cref="Trainer.EarlyStoppingPatience"/> evaluations.</summary>
    EarlyStopping,

    /// <summary>The cancellation token was cancelled; the run stopped after the batch it was on.</summary>
    Cancelled,
}

/// <summary>What a run of <see cref="Trainer.Fit"/> did: why it stopped, its best evaluation, its last metrics and its history.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(
        TrainingStopReason stopReason,
        int epochs,
        long steps,
        int? bestEpoch,
        long? bestStep,
        double bestLoss,
        double trainLoss,
        double validationLoss,
        double accuracy,
        bool restoredBestParameters,
        TimeSpan elapsed,
        TrainingHistory history)
    {
        StopReason = stopReason;
        Epochs = epochs;
        Steps = steps;
        BestEpoch = bestEpoch;
        BestStep = bestStep;
        BestLoss = bestLoss;
        TrainLoss = trainLoss;
        ValidationLoss = validationLoss;
        Accuracy = accuracy;
        RestoredBestParameters = restoredBestParameters;
        Elapsed = elapsed;
        History = history;
    }

    /// <summary>Why the run stopped.</summary>
    public TrainingStopReason StopReason { get; }

    /// <summary>The number of epochs run, counting an epoch that was cut short (by cancellation or a stop decided mid-epoch).</summary>
    public int Epochs { get; }

    /// <summary>The number of optimizer steps taken.</summary>
    public long Steps { get; }

    /// <summary>
    /// The epoch (from 0) of the evaluation with the lowest monitored loss: the validation loss when
    /// <see cref="Trainer.ValidationData"/> is set, otherwise the training loss. <see langword="null"/> if no evaluation ran.
    /// </summary>
    public int? BestEpoch { get; }

    /// <summary>The step (from 0) after which that best evaluation ran; <see langword="null"/> if no evaluation ran.</summary>
    public long? BestStep { get; }

    /// <summary>The lowest monitored loss (see <see cref="BestEpoch"/>); <see cref="double.NaN"/> if no evaluation ran.</summary>
    public double BestLoss { get; }

    /// <summary>The mean training loss of the last epoch run; <see cref="double.NaN"/> if no step ran.</summary>
    public double TrainLoss { get; }

    /// <summary>The validation loss of the last evaluation; <see cref="double.NaN"/> without a validation set or evaluation.</summary>
    public double ValidationLoss { get; }

    /// <summary>The validation accuracy (0 to 1) of the last evaluation; <see cref="double.NaN"/> if none was computed.</summary>
    public double Accuracy { get; }

    /// <summary>
    /// Whether the parameters were set back to those of the best evaluation at the end (early stopping is on and the
    /// run was not cancelled).
    /// </summary>
    public bool RestoredBestParameters { get; }

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The per-step and per-epoch history, which can be written as CSV or JSON.</summary>
    public TrainingHistory History { get; }

    /// <summary>Describes the result in one line.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"{StopReason} after {Epochs} epoch(s), {Steps} step(s): train loss {TrainLoss:G6}, validation loss {ValidationLoss:G6}, accuracy {Accuracy:G4}, best epoch {(BestEpoch is int best ? best.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}");
}
