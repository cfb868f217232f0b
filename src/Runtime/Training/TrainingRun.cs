using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace DiffGen;

/// <summary>
/// One run of <see cref="Trainer.Fit"/>: the loop and its state. Everything the loop needs is allocated here, before
/// the first step; the loop itself allocates nothing (no LINQ, no closures, struct enumerators and reports).
/// </summary>
internal sealed class TrainingRun
{
    /// <summary>The most step records reserved up front (4 MB); longer runs grow the list at epoch starts.</summary>
    private const int InitialStepReservation = 1 << 16;

    private const int InitialEpochReservation = 1 << 12;

    private readonly Optimizer _optimizer;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly DataLoader _train;
    private readonly Func<Batch, double> _lossWithGradient;
    private readonly DataLoader? _validation;
    private readonly Func<Batch, double>? _loss;
    private readonly Func<Batch, Tensor>? _predict;
    private readonly Func<Batch, int>? _countCorrect;
    private readonly int _maxEpochs;
    private readonly int _evaluateEverySteps;
    private readonly double? _convergenceTolerance;
    private readonly int _convergencePatience;
    private readonly int? _earlyStoppingPatience;
    private readonly EpochSchedule? _schedule;
    private readonly ReduceLROnPlateau? _plateau;
    private readonly double? _clipGradNorm;
    private readonly double? _clipGradValue;
    private readonly bool _recordSteps;
    private readonly int _reportEverySteps;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly CancellationToken _cancellationToken;

    private readonly TrainingHistory _history;
    private readonly Tensor[]? _best;
    private long _start;

    private int _epoch;
    private long _steps;
    private double _lossSinceEvaluation;
    private long _samplesSinceEvaluation;

    private double _previousMonitored = double.NaN;
    private int _stableEvaluations;
    private double _bestMonitored = double.PositiveInfinity;
    private int _bestEpoch = -1;
    private long _bestStep = -1;
    private bool _hasSnapshot;
    private int _evaluationsSinceBest;
    private double _lastValidationLoss = double.NaN;
    private double _lastAccuracy = double.NaN;
    private TrainingStopReason? _stop;

    public TrainingRun(Trainer trainer, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        _optimizer = trainer.Optimizer;
        _parameters = trainer.Optimizer.Parameters;
        _train = trainer.TrainData;
        _lossWithGradient = trainer.LossWithGradient;
        _validation = trainer.ValidationData;
        _loss = trainer.Loss;
        _predict = trainer.Predict;
        _countCorrect = trainer.CountCorrect;
        _maxEpochs = trainer.MaxEpochs;
        _evaluateEverySteps = trainer.EvaluateEverySteps;
        _convergenceTolerance = trainer.ConvergenceTolerance;
        _convergencePatience = trainer.ConvergencePatience;
        _earlyStoppingPatience = trainer.EarlyStoppingPatience;
        _schedule = trainer.Schedule;
        _plateau = trainer.Plateau;
        _clipGradNorm = trainer.ClipGradNorm;
        _clipGradValue = trainer.ClipGradValue;
        _recordSteps = trainer.RecordSteps;
        _reportEverySteps = trainer.ReportEverySteps;
        _progress = progress;
        _cancellationToken = cancellationToken;

        int stepReservation = _recordSteps ? (int)Math.Min((long)_maxEpochs * _train.Count, InitialStepReservation) : 0;
        _history = new TrainingHistory(stepReservation, Math.Min(_maxEpochs, InitialEpochReservation));
        if (_earlyStoppingPatience is not null)
        {
            _best = new Tensor[_parameters.Count];
            for (int i = 0; i < _best.Length; i++)
            {
                var value = _parameters[i].Value;
                _best[i] = Tensor.Fresh(value.DType, value.Shape.ToArray(), value.Length);
            }
        }
    }

    private bool HasAccuracy => _predict is not null || _countCorrect is not null;

    public TrainingResult Execute()
    {
        _start = Stopwatch.GetTimestamp();
        double lastTrainLoss = double.NaN;
        for (_epoch = 0; _epoch < _maxEpochs && _stop is null; _epoch++)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                _stop = TrainingStopReason.Cancelled;
                break;
            }

            lastTrainLoss = RunEpoch();
        }

        bool restored = false;
        if (_best is not null && _hasSnapshot && _stop != TrainingStopReason.Cancelled)
        {
            for (int i = 0; i < _best.Length; i++)
            {
                _parameters[i].Value.CopyFrom(_best[i]);
            }

            restored = true;
        }

        return new TrainingResult(
            _stop ?? TrainingStopReason.MaxEpochs,
            _history.Epochs.Count,
            _steps,
            _bestEpoch >= 0 ? _bestEpoch : null,
            _bestStep >= 0 ? _bestStep : null,
            _bestEpoch >= 0 ? _bestMonitored : double.NaN,
            lastTrainLoss,
            _lastValidationLoss,
            _lastAccuracy,
            restored,
            Stopwatch.GetElapsedTime(_start),
            _history);
    }

    /// <summary>Runs one epoch (or less, if it is cut short) and records it; returns its mean training loss.</summary>
    private double RunEpoch()
    {
        _history.Reserve(_recordSteps ? _train.Count : 0);
        double epochLearningRate = _optimizer.LearningRate;
        double lossSum = 0;
        long samples = 0;
        int batches = 0;
        int lastBatch = 0;
        bool cutShort = false;
        double validationLoss = double.NaN;
        double accuracy = double.NaN;

        foreach (var batch in _train)
        {
            double learningRate = _optimizer.LearningRate;
            double loss = TrainStep(batch, learningRate);
            lossSum += loss * batch.Count;
            samples += batch.Count;
            lastBatch = batch.Index;
            batches++;

            bool evaluated = false;
            bool endsEpoch = batches == _train.Count;
            if (_evaluateEverySteps > 0 && !endsEpoch && _steps % _evaluateEverySteps == 0)
            {
                Evaluate();
                evaluated = true;
                validationLoss = _lastValidationLoss;
                accuracy = _lastAccuracy;
            }

            if (evaluated || _steps % _reportEverySteps == 0)
            {
                _progress?.Report(new TrainingProgress(
                    TrainingProgressKind.Step, _epoch, batch.Index, _train.Count, _steps - 1, loss,
                    evaluated ? _lastValidationLoss : double.NaN, evaluated ? _lastAccuracy : double.NaN, learningRate, Elapsed()));
            }

            if (_stop is not null)
            {
                cutShort = true;
                break;
            }

            if (_cancellationToken.IsCancellationRequested)
            {
                _stop = TrainingStopReason.Cancelled;
                cutShort = true;
                break;
            }
        }

        if (batches == 0)
        {
            return double.NaN;
        }

        double trainLoss = lossSum / samples;
        if (!cutShort)
        {
            Evaluate();
            validationLoss = _lastValidationLoss;
            accuracy = _lastAccuracy;
        }
        else if (_stop == TrainingStopReason.Cancelled)
        {
            validationLoss = double.NaN;
            accuracy = double.NaN;
        }

        var elapsed = Elapsed();
        _history.AddEpoch(new EpochRecord(_epoch, batches, _steps, trainLoss, validationLoss, accuracy, epochLearningRate, elapsed));
        _progress?.Report(new TrainingProgress(
            TrainingProgressKind.Epoch, _epoch, lastBatch, _train.Count, _steps - 1, trainLoss, validationLoss, accuracy, epochLearningRate, elapsed));

        if (!cutShort)
        {
            _schedule?.Step();
        }

        return trainLoss;
    }

    /// <summary>Clears the gradients, computes the batch's loss and gradient, checks the loss, clips, steps and records.</summary>
    private double TrainStep(Batch batch, double learningRate)
    {
        _optimizer.ZeroGrad();
        double loss = _lossWithGradient(batch);
        if (!double.IsFinite(loss))
        {
            // The step is not taken: the parameters stay as they were, and the gradient this batch accumulated is cleared.
            _optimizer.ZeroGrad();
            throw new NonFiniteLossException(
                string.Create(CultureInfo.InvariantCulture, $"The training loss is {loss} at epoch {_epoch}, batch {batch.Index} (step {_steps} of the run; all counted from 0). Training stopped before the optimizer step, so the parameters are those from before this batch, and its gradients were cleared. Usual causes: a learning rate that is too high (lower it, or set ClipGradNorm), a log or division by zero in the loss, or a NaN or infinity in the data."),
                loss,
                _epoch,
                batch.Index,
                _steps,
                isValidation: false,
                _history);
        }

        if (_clipGradNorm is double maxNorm)
        {
            GradientClipping.ClipGradNorm(_parameters, maxNorm);
        }

        if (_clipGradValue is double clipValue)
        {
            GradientClipping.ClipGradValue(_parameters, clipValue);
        }

        _optimizer.Step();
        _lossSinceEvaluation += loss * batch.Count;
        _samplesSinceEvaluation += batch.Count;
        if (_recordSteps)
        {
            _history.AddStep(new StepRecord(_epoch, batch.Index, _steps, loss, learningRate, double.NaN, double.NaN, Elapsed()));
        }

        _steps++;
        return loss;
    }

    /// <summary>
    /// Evaluates after the last step: the validation set if any, then best-so-far tracking (and the snapshot), the
    /// plateau schedule, convergence and early stopping, all on the monitored loss.
    /// </summary>
    private void Evaluate()
    {
        double monitored = _samplesSinceEvaluation > 0 ? _lossSinceEvaluation / _samplesSinceEvaluation : double.NaN;
        _lossSinceEvaluation = 0;
        _samplesSinceEvaluation = 0;
        if (_validation is not null)
        {
            monitored = Validate();
            if (_recordSteps)
            {
                _history.SetLastStepEvaluation(_lastValidationLoss, _lastAccuracy);
            }
        }

        if (monitored < _bestMonitored)
        {
            _bestMonitored = monitored;
            _bestEpoch = _epoch;
            _bestStep = _steps - 1;
            _evaluationsSinceBest = 0;
            if (_best is not null)
            {
                for (int i = 0; i < _best.Length; i++)
                {
                    _best[i].CopyFrom(_parameters[i].Value);
                }

                _hasSnapshot = true;
            }
        }
        else
        {
            _evaluationsSinceBest++;
        }

        _plateau?.Step(monitored);

        bool converged = false;
        if (_convergenceTolerance is double tolerance)
        {
            if (!double.IsNaN(_previousMonitored) && Math.Abs(monitored - _previousMonitored) <= tolerance * Math.Abs(_previousMonitored))
            {
                _stableEvaluations++;
            }
            else
            {
                _stableEvaluations = 0;
            }

            converged = _stableEvaluations >= _convergencePatience;
        }

        _previousMonitored = monitored;
        if (_earlyStoppingPatience is int patience && _evaluationsSinceBest >= patience)
        {
            _stop = TrainingStopReason.EarlyStopping;
        }
        else if (converged)
        {
            _stop = TrainingStopReason.Converged;
        }
    }

    /// <summary>One pass over the validation set: sets the last validation loss and accuracy, returns the loss.</summary>
    private double Validate()
    {
        var validation = _validation!;
        var loss = _loss!;
        double lossSum = 0;
        long samples = 0;
        long correct = 0;
        foreach (var batch in validation)
        {
            double value = loss(batch);
            if (!double.IsFinite(value))
            {
                throw new NonFiniteLossException(
                    string.Create(CultureInfo.InvariantCulture, $"The validation loss is {value} at validation batch {batch.Index}, in the evaluation after epoch {_epoch}, step {_steps - 1} (all counted from 0). The parameters are those of that step, whose training loss was finite; look for a NaN or infinity in the validation data or a log or division by zero in the loss."),
                    value,
                    _epoch,
                    batch.Index,
                    _steps - 1,
                    isValidation: true,
                    _history);
            }

            lossSum += value * batch.Count;
            samples += batch.Count;
            if (_predict is not null)
            {
                correct += Metrics.CountCorrect(_predict(batch), batch.Labels);
            }
            else if (_countCorrect is not null)
            {
                int count = _countCorrect(batch);
                if (count < 0 || count > batch.Count)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"CountCorrect returned {count} for validation batch {batch.Index}, which has {batch.Count} samples; it must count the correct ones, from 0 to {batch.Count}."));
                }

                correct += count;
            }
        }

        _lastValidationLoss = lossSum / samples;
        _lastAccuracy = HasAccuracy ? (double)correct / samples : double.NaN;
        return _lastValidationLoss;
    }

    private TimeSpan Elapsed() => Stopwatch.GetElapsedTime(_start);
}
