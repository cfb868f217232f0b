using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// Raises the learning rate linearly from <c>startFactor·base</c> to <c>base</c> over <c>warmupEpochs</c> epochs, then
/// hands over to another schedule (or keeps <c>base</c>): PyTorch's <c>LinearLR(start_factor, end_factor=1,
/// total_iters=warmupEpochs)</c>, followed through <c>SequentialLR</c> by <c>then</c>.
/// </summary>
/// <remarks>
/// <code>
/// lr = base·(startFactor + (1 − startFactor)·epoch / warmupEpochs)     for epoch &lt; warmupEpochs
/// lr = then.LearningRateAt(epoch − warmupEpochs, base)                 after (base without then)
/// </code>
/// <code>
/// var schedule = new LinearWarmup(optimizer, warmupEpochs: 5, startFactor: 0.01,
///                                 then: new CosineAnnealingLR(optimizer, tMax: 95));
/// </code>
/// The <c>then</c> schedule is stepped by this one; calling its own <c>Step()</c> throws.
/// </remarks>
public sealed class LinearWarmup : EpochSchedule
{
    /// <summary>Creates the schedule and sets the epoch-0 learning rates.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="warmupEpochs">The number of warm-up epochs, &gt;= 1.</param>
    /// <param name="startFactor">The fraction of the base learning rate at epoch 0, in (0, 1]; default 1/3, as PyTorch's <c>LinearLR</c>.</param>
    /// <param name="then">The schedule after the warm-up, over the same optimizer, whose epoch 0 is the first epoch after it; <see langword="null"/> keeps the base learning rate.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="then"/> schedules another optimizer or is already part of a schedule.</exception>
    public LinearWarmup(Optimizer optimizer, int warmupEpochs, double startFactor = 1.0 / 3, EpochSchedule? then = null)
        : base(optimizer, nameof(LinearWarmup))
    {
        if (warmupEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), $"warmupEpochs must be >= 1; got {warmupEpochs.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), $"startFactor must be in (0, 1]; got {OptionRules.Text(startFactor)}.");
        }

        if (then is not null)
        {
            Adopt(this, then, nameof(then));
        }

        WarmupEpochs = warmupEpochs;
        StartFactor = startFactor;
        Then = then;
        Apply();
    }

    /// <summary>The number of warm-up epochs.</summary>
    public int WarmupEpochs { get; }

    /// <summary>The fraction of the base learning rate at epoch 0.</summary>
    public double StartFactor { get; }

    /// <summary>The schedule after the warm-up, or <see langword="null"/>.</summary>
    public EpochSchedule? Then { get; }

    private protected override double Compute(int epoch, double baseLearningRate)
    {
        if (epoch < WarmupEpochs)
        {
            return baseLearningRate * (StartFactor + ((1 - StartFactor) * epoch / WarmupEpochs));
        }

        return Then is null ? baseLearningRate : Then.LearningRateAt(epoch - WarmupEpochs, baseLearningRate);
    }

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "kind"] = Kind;
        values[prefix + "warmup_epochs"] = WarmupEpochs.ToString(CultureInfo.InvariantCulture);
        values[prefix + "start_factor"] = OptionRules.Text(StartFactor);
        if (Then is null)
        {
            values[prefix + "then"] = "none";
        }
        else
        {
            Then.WriteOptionsOf(values, prefix + "then.");
        }
    }
}
