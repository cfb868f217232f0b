using System;

namespace DiffGen;

/// <summary>
/// Thrown by <see cref="Trainer.Fit"/> when a loss is NaN or infinite. The message names the epoch and the batch.
/// </summary>
/// <remarks>
/// For a training batch the check comes before <see cref="Optimizer.Step"/>: the parameters are those from before that
/// batch, and the gradients that the batch accumulated are set to zero. For a validation batch the parameters are
/// those of the last (finite) training step. <see cref="History"/> holds what the run recorded until then.
/// </remarks>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public NonFiniteLossException()
        : base("The loss is NaN or infinite.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public NonFiniteLossException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public NonFiniteLossException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal NonFiniteLossException(string message, double loss, int epoch, int batch, long step, bool isValidation, TrainingHistory history)
        : base(message)
    {
        Loss = loss;
        Epoch = epoch;
        Batch = batch;
        Step = step;
        IsValidation = isValidation;
        History = history;
    }

    /// <summary>The loss: NaN, +∞ or −∞.</summary>
    public double Loss { get; } = double.NaN;

    /// <summary>The epoch, from 0.</summary>
    public int Epoch { get; }

    /// <summary>The batch, from 0: of the training epoch, or of the validation set when <see cref="IsValidation"/>.</summary>
    public int Batch { get; }

    /// <summary>
    /// The training step, from 0: the one whose loss was not finite, or the last one taken before the evaluation whose
    /// loss was not finite.
    /// </summary>
    public long Step { get; }

    /// <summary>Whether the loss came from the validation set rather than from a training batch.</summary>
    public bool IsValidation { get; }

    /// <summary>The history recorded before the failure, or <see langword="null"/> if the exception was not thrown by a <see cref="Trainer"/>.</summary>
    public TrainingHistory? History { get; }
}
