using System;
using System.Threading;

namespace DiffGen;

/// <summary>
/// Runs the training loop for people who do not write it themselves: for each batch, clear the gradients, compute the
/// loss and its gradient, step the optimizer; evaluate, schedule, stop when the loss no longer changes or the
/// validation loss stops improving, and record a history.
/// </summary>
/// <remarks>
/// <para>
/// The trainer knows no model class. It works with what a user has: an <see cref="DiffGen.Optimizer"/> (whose
/// <see cref="Optimizer.Parameters"/> are the parameters it clips, snapshots and restores), a <see cref="DataLoader"/>
/// of training batches, and a step function that computes a batch's loss <b>and</b> accumulates its gradient into
/// every <see cref="Parameter.Grad"/>; a generated <c>net.LossWithGradient(x, y)</c> is exactly that. Evaluation
/// takes a second loader and functions that compute the loss (and optionally predictions) without gradients.
/// </para>
/// <para>
/// Per batch, <see cref="Fit"/> runs <see cref="Optimizer.ZeroGrad"/>, the step function, the finite-loss check, the
/// optional gradient clipping, and <see cref="Optimizer.Step"/>. An <b>evaluation</b> runs at the end of every epoch
/// (and after every <see cref="EvaluateEverySteps"/>-th step if set); it computes the <b>monitored loss</b>: the mean
/// validation loss when <see cref="ValidationData"/> is set, otherwise the mean training loss of the batches since the
/// previous evaluation (the epoch's training loss, when evaluating per epoch). Convergence detection,
/// <see cref="Plateau"/> and <see cref="TrainingResult.BestEpoch"/> use the monitored loss; early stopping uses the
/// validation loss. <see cref="Schedule"/> is stepped after each full epoch.
/// </para>
/// <para>
/// The trainer adds no randomness: with the same initial parameters, loaders (and their seeds) and options, two runs
/// give the same parameters and histories bit for bit (elapsed times aside). The loop allocates nothing per step
/// beyond what the functions it calls allocate, and the step history's growth (reserved per epoch, amortized).
/// Options are set once, with an object initializer; a trainer may run <see cref="Fit"/> more than once, each call a new
/// run that continues from the current parameters and optimizer state. A trainer is not thread-safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var optimizer = new Sgd(net.Parameters(), lr: 0.1, momentum: 0.9);
/// var trainer = new Trainer(optimizer, trainLoader, batch => net.LossWithGradient(batch.Features, batch.Labels))
/// {
///     MaxEpochs = 50,
///     ValidationData = validationLoader,
///     Loss = batch => net.Loss(batch.Features, batch.Labels),
///     Predict = batch => net.Forward(batch.Features),      // accuracy for class-index labels
///     EarlyStoppingPatience = 5,                              // restores the best parameters
///     Schedule = new CosineAnnealingLR(optimizer, tMax: 50),
/// };
/// TrainingResult result = trainer.Fit();
/// Console.WriteLine(result);
/// </code>
/// </example>
public sealed class Trainer
{
    private int _maxEpochs = 100;
    private int _evaluateEverySteps;
    private double? _convergenceTolerance;
    private int _convergencePatience = 3;
    private int? _earlyStoppingPatience;
    private double? _clipGradNorm;
    private double? _clipGradValue;
    private int _reportEverySteps = 1;

    /// <summary>Creates a trainer.</summary>
    /// <param name="optimizer">The optimizer; its <see cref="Optimizer.Parameters"/> are the parameters trained.</param>
    /// <param name="trainData">The training batches; an epoch is one pass over it.</param>
    /// <param name="lossWithGradient">
    /// Computes one batch's loss (the mean over the batch's samples) and accumulates its gradient into every
    /// <see cref="Parameter.Grad"/>: <c>batch =&gt; net.LossWithGradient(batch.Features, batch.Labels)</c>. The trainer
    /// clears the gradients before calling it.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public Trainer(Optimizer optimizer, DataLoader trainData, Func<Batch, double> lossWithGradient)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(lossWithGradient);
        Optimizer = optimizer;
        TrainData = trainData;
        LossWithGradient = lossWithGradient;
    }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The training batches.</summary>
    public DataLoader TrainData { get; }

    /// <summary>The step function: a batch's loss, with its gradient accumulated into the parameters.</summary>
    public Func<Batch, double> LossWithGradient { get; }

    /// <summary>The most epochs a run takes, &gt;= 1. Default 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxEpochs
    {
        get => _maxEpochs;
        init => _maxEpochs = AtLeast(value, 1, nameof(MaxEpochs));
    }

    /// <summary>
    /// The validation batches, evaluated with <see cref="Loss"/> (required) and <see cref="Predict"/> or
    /// <see cref="CountCorrect"/> (optional) at every evaluation. A loader of its own: not <see cref="TrainData"/>.
    /// </summary>
    public DataLoader? ValidationData { get; init; }

    /// <summary>
    /// Computes a validation batch's loss (the mean over its samples) without gradients:
    /// <c>batch =&gt; net.Loss(batch.Features, batch.Labels)</c>. Required with <see cref="ValidationData"/>.
    /// </summary>
    /// <remarks>
    /// The trainer opens no <see cref="TensorArena"/> scope around the functions it calls (a scope would recycle any
    /// buffer they create lazily and keep). To recycle an evaluation's tensors, open one inside the function:
    /// <c>batch =&gt; { using (TensorArena.Enter()) { return net.Loss(batch.Features, batch.Labels); } }</c>, and the
    /// same in a <see cref="CountCorrect"/> that calls <see cref="Metrics.CountCorrect"/>.
    /// </remarks>
    public Func<Batch, double>? Loss { get; init; }

    /// <summary>
    /// Computes a validation batch's class scores, shape <c>[n, classes]</c>, for the built-in accuracy
    /// (<see cref="Metrics.CountCorrect"/>: arg-max against class-index labels): <c>batch =&gt; net.Forward(batch.Features)</c>.
    /// Optional; at most one of <see cref="Predict"/> and <see cref="CountCorrect"/>.
    /// </summary>
    public Func<Batch, Tensor>? Predict { get; init; }

    /// <summary>
    /// Counts the correctly predicted samples of a validation batch (from 0 to <see cref="Batch.Count"/>), for any other
    /// notion of accuracy. Optional; at most one of <see cref="Predict"/> and <see cref="CountCorrect"/>.
    /// </summary>
    public Func<Batch, int>? CountCorrect { get; init; }

    /// <summary>
    /// Also evaluate after every this many steps of the run (counted across epochs), not only at the end of each epoch;
    /// 0 (the default) evaluates at epoch ends only. A step that ends an epoch is evaluated once, as the epoch's end.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int EvaluateEverySteps
    {
        get => _evaluateEverySteps;
        init => _evaluateEverySteps = AtLeast(value, 0, nameof(EvaluateEverySteps));
    }

    /// <summary>
    /// Convergence detection: stop when the monitored loss (validation loss, or training loss without a validation
    /// set) changes by at most this much relative to its previous value, <c>|L − L_previous| ≤ tolerance·|L_previous|</c>,
    /// at <see cref="ConvergencePatience"/> evaluations in a row. <see langword="null"/> (the default) turns it off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double? ConvergenceTolerance
    {
        get => _convergenceTolerance;
        init => _convergenceTolerance = value is double v ? FiniteAtLeastZero(v, nameof(ConvergenceTolerance)) : null;
    }

    /// <summary>The number of evaluations in a row whose change is within <see cref="ConvergenceTolerance"/>, &gt;= 1. Default 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int ConvergencePatience
    {
        get => _convergencePatience;
        init => _convergencePatience = AtLeast(value, 1, nameof(ConvergencePatience));
    }

    /// <summary>
    /// Early stopping: stop after this many evaluations in a row without a validation loss lower than the best so far,
    /// and end the run with the parameters of the best evaluation. Needs <see cref="ValidationData"/>.
    /// <see langword="null"/> (the default) turns it off.
    /// </summary>
    /// <remarks>
    /// When early stopping is on, the best parameters are kept in tensors allocated once per run (a copy at each
    /// improvement) and restored when the run ends by early stopping, convergence or <see cref="MaxEpochs"/>; a
    /// cancelled run keeps its current parameters, so that it can be continued.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? EarlyStoppingPatience
    {
        get => _earlyStoppingPatience;
        init => _earlyStoppingPatience = value is int v ? AtLeast(v, 1, nameof(EarlyStoppingPatience)) : null;
    }

    /// <summary>
    /// A learning-rate schedule over <see cref="Optimizer"/>, stepped once after every full epoch (after its
    /// evaluation). Not together with <see cref="Plateau"/>: an epoch schedule resets the rate every epoch and would
    /// undo each reduction.
    /// </summary>
    public EpochSchedule? Schedule { get; init; }

    /// <summary>
    /// A <see cref="ReduceLROnPlateau"/> over <see cref="Optimizer"/> in <see cref="PlateauMode.Min"/> mode, stepped with
    /// the monitored loss at every evaluation (so its patience counts evaluations: epochs, by default).
    /// </summary>
    public ReduceLROnPlateau? Plateau { get; init; }

    /// <summary>
    /// Clips the gradients by their global 2-norm before each step (<see cref="GradientClipping.ClipGradNorm"/>);
    /// <see langword="null"/> (the default) does not.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double? ClipGradNorm
    {
        get => _clipGradNorm;
        init => _clipGradNorm = value is double v ? FiniteAtLeastZero(v, nameof(ClipGradNorm)) : null;
    }

    /// <summary>
    /// Clamps every gradient element into <c>[−value, value]</c> before each step
    /// (<see cref="GradientClipping.ClipGradValue"/>, after <see cref="ClipGradNorm"/> if both are set);
    /// <see langword="null"/> (the default) does not.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double? ClipGradValue
    {
        get => _clipGradValue;
        init => _clipGradValue = value is double v ? FiniteAtLeastZero(v, nameof(ClipGradValue)) : null;
    }

    /// <summary>
    /// Whether the history keeps a record per step (default <see langword="true"/>). Epoch records are always kept.
    /// Turn it off for very long runs: each step record takes 64 bytes.
    /// </summary>
    public bool RecordSteps { get; init; } = true;

    /// <summary>
    /// Send a <see cref="TrainingProgressKind.Step"/> report after every this many steps, &gt;= 1 (default 1: every
    /// step). Steps followed by an evaluation, and epoch ends, are always reported.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int ReportEverySteps
    {
        get => _reportEverySteps;
        init => _reportEverySteps = AtLeast(value, 1, nameof(ReportEverySteps));
    }

    /// <summary>
    /// Trains until <see cref="MaxEpochs"/>, convergence, early stopping or cancellation, and returns what happened.
    /// </summary>
    /// <param name="progress">Receives a report after steps and at the end of each epoch, on the training thread; optional.</param>
    /// <param name="cancellationToken">
    /// Stops the run after the batch it is on (checked after every step and before every epoch):
    /// <see cref="TrainingResult.StopReason"/> is then <see cref="TrainingStopReason.Cancelled"/>; no exception is thrown.
    /// </param>
    /// <returns>Why the run stopped, its best epoch, its last metrics and its history.</returns>
    /// <exception cref="InvalidOperationException">
    /// The options do not fit together (the message says which), or <see cref="Fit"/> was called inside a
    /// <see cref="TensorArena"/> scope (the optimizer's state and the trainer's snapshots must outlive it).
    /// </exception>
    /// <exception cref="NonFiniteLossException">
    /// A training or validation loss is NaN or infinite; the message names the epoch and the batch. A training batch's
    /// step is not taken: the parameters are those from before that batch.
    /// </exception>
    public TrainingResult Fit(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckOptions();
        if (TensorArena.IsActive)
        {
            throw new InvalidOperationException("Trainer.Fit was called inside a TensorArena scope; call it outside, since the optimizer's state and the trainer's snapshots must outlive every scope.");
        }

        return new TrainingRun(this, progress, cancellationToken).Execute();
    }

    /// <summary>Describes the trainer.</summary>
    public override string ToString() =>
        $"Trainer: {Optimizer.Kind}, up to {MaxEpochs} epoch(s) of {TrainData.Count} batch(es){(ValidationData is null ? string.Empty : ", with validation")}";

    private void CheckOptions()
    {
        if (ValidationData is null)
        {
            string? unused = Loss is not null ? nameof(Loss) : Predict is not null ? nameof(Predict) : CountCorrect is not null ? nameof(CountCorrect) : null;
            if (unused is not null)
            {
                throw new InvalidOperationException($"{unused} is set but ValidationData is not; the trainer evaluates {unused} on the ValidationData loader, so set both.");
            }

            if (EarlyStoppingPatience is not null)
            {
                throw new InvalidOperationException("EarlyStoppingPatience needs a validation set: set ValidationData and Loss (early stopping watches the validation loss).");
            }
        }
        else
        {
            if (Loss is null)
            {
                throw new InvalidOperationException("ValidationData is set but Loss is not; give the function that computes a validation batch's loss without gradients, e.g. batch => net.Loss(batch.Features, batch.Labels).");
            }

            if (ReferenceEquals(ValidationData, TrainData))
            {
                throw new InvalidOperationException("ValidationData is the TrainData loader itself; batches share a loader's buffers and evaluating would restart its epoch, so give validation a DataLoader of its own (over the same dataset, if that is what you want).");
            }
        }

        if (Predict is not null && CountCorrect is not null)
        {
            throw new InvalidOperationException("Both Predict and CountCorrect are set; set one: Predict for the built-in accuracy on class-index labels, CountCorrect for your own.");
        }

        if (Schedule is not null && !ReferenceEquals(Schedule.Optimizer, Optimizer))
        {
            throw new InvalidOperationException($"The Schedule ({Schedule.Kind}) sets the learning rates of another optimizer than the trainer's.");
        }

        if (Plateau is not null)
        {
            if (!ReferenceEquals(Plateau.Optimizer, Optimizer))
            {
                throw new InvalidOperationException("The Plateau schedule sets the learning rates of another optimizer than the trainer's.");
            }

            if (Plateau.Mode != PlateauMode.Min)
            {
                throw new InvalidOperationException($"The Plateau schedule is in {Plateau.Mode} mode; the trainer steps it with a loss, so it needs PlateauMode.Min.");
            }

            if (Schedule is not null)
            {
                throw new InvalidOperationException($"Both Schedule ({Schedule.Kind}) and Plateau are set; an epoch schedule sets the learning rate from its closed form every epoch and would undo every plateau reduction, so use one of them.");
            }
        }
    }

    private static int AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= {minimum}; got {value}.");
        }

        return value;
    }

    private static double FiniteAtLeastZero(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0; got {OptionRules.Text(value)}.");
        }

        return value;
    }
}
