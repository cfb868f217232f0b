using System;

namespace DiffGen;

/// <summary>What a <see cref="TrainingProgress"/> report describes.</summary>
public enum TrainingProgressKind
{
    /// <summary>One optimizer step (and the evaluation that followed it, if one did).</summary>
    Step,

    /// <summary>The end of an epoch, with the epoch's training loss and its evaluation.</summary>
    Epoch,
}

/// <summary>
/// A progress report from <see cref="Trainer.Fit"/>: after every <see cref="Trainer.ReportEverySteps"/>-th step (and
/// after every step followed by an evaluation), and at the end of every epoch.
/// </summary>
/// <remarks>
/// Epochs, batches and steps are indices counted from 0. The report is a struct passed to
/// <see cref="IProgress{T}.Report"/> on the training thread; the trainer allocates nothing to send it. Note that
/// <see cref="Progress{T}"/> posts each report to a synchronization context or the thread pool (which allocates, and
/// may deliver reports out of order); for a console, an <see cref="IProgress{T}"/> that writes directly is enough.
/// </remarks>
/// <param name="Kind">Whether this reports a step or the end of an epoch.</param>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Batch">The batch within the epoch, from 0 (for an epoch report, the epoch's last batch).</param>
/// <param name="BatchesPerEpoch">The training loader's number of batches per epoch.</param>
/// <param name="Step">The optimizer step of the run, from 0 (for an epoch report, the epoch's last step).</param>
/// <param name="Loss">A step report: the batch's training loss. An epoch report: the epoch's mean training loss.</param>
/// <param name="ValidationLoss">The validation loss of the evaluation that followed this step (a mid-epoch one: the epoch's last step is reported before the epoch-end evaluation, which the epoch report carries) or that ended this epoch; <see cref="double.NaN"/> if there was none.</param>
/// <param name="Accuracy">The validation accuracy (0 to 1) of that evaluation; <see cref="double.NaN"/> if none was computed.</param>
/// <param name="LearningRate">The learning rate (of the optimizer's first group) used by the step, or at the start of the epoch.</param>
/// <param name="Elapsed">The time since <see cref="Trainer.Fit"/> started.</param>
public readonly record struct TrainingProgress(
    TrainingProgressKind Kind,
    int Epoch,
    int Batch,
    int BatchesPerEpoch,
    long Step,
    double Loss,
    double ValidationLoss,
    double Accuracy,
    double LearningRate,
    TimeSpan Elapsed);
