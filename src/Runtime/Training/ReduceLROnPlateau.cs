using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiffGen;

/// <summary>Whether <see cref="ReduceLROnPlateau"/> watches a metric that should go down or up.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,

    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a metric improved.</summary>
public enum ThresholdMode
{
    /// <summary>Better than <c>best·(1 ∓ threshold)</c> (PyTorch's <c>"rel"</c>).</summary>
    Relative,

    /// <summary>Better than <c>best ∓ threshold</c> (PyTorch's <c>"abs"</c>).</summary>
    Absolute,
}

/// <summary>
/// Multiplies the learning rates by <c>factor</c> when a metric has stopped improving for more than <c>patience</c>
/// epochs (PyTorch's <c>ReduceLROnPlateau</c>).
/// </summary>
/// <remarks>
/// <para>Each <see cref="Step(double)"/>, with the epoch's metric:</para>
/// <code>
/// if better(metric, best): best = metric; badEpochs = 0   else badEpochs += 1
/// if cooldown counter &gt; 0: counter −= 1; badEpochs = 0
/// if badEpochs &gt; patience:
///     for each group: new = max(lr·factor, minLr); if lr − new &gt; eps: lr = new
///     counter = cooldown; badEpochs = 0
/// </code>
/// <para>
/// <c>better</c> is <c>a &lt; best·(1 − threshold)</c> in min mode with relative threshold, <c>a &lt; best − threshold</c>
/// with absolute; in max mode <c>a &gt; best·(1 + threshold)</c> or <c>a &gt; best + threshold</c>. A NaN metric is
/// never better. Unlike the epoch schedules, it works on the current learning rates, so it composes with learning
/// rates set by hand.
/// </para>
/// <code>
/// var plateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 3);
/// // after each epoch:
/// plateau.Step(validationLoss);
/// </code>
/// </remarks>
public sealed class ReduceLROnPlateau : LearningRateSchedule
{
    private readonly double[] _minLrs;

    /// <summary>Creates the schedule; it does not change the learning rates until a plateau.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="mode">Whether the metric should decrease (<see cref="PlateauMode.Min"/>, default) or increase.</param>
    /// <param name="factor">The factor by which the learning rate is reduced, in [0, 1); default 0.1.</param>
    /// <param name="patience">The number of epochs without improvement that are tolerated, &gt;= 0; default 10.</param>
    /// <param name="threshold">The least change that counts as an improvement, &gt;= 0; default 1e-4.</param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is relative (default) or absolute.</param>
    /// <param name="cooldown">The number of epochs after a reduction during which bad epochs are not counted, &gt;= 0; default 0.</param>
    /// <param name="minLr">The smallest learning rate of every group, &gt;= 0; default 0.</param>
    /// <param name="minLrs">The smallest learning rate per group, overriding <paramref name="minLr"/>; one per group.</param>
    /// <param name="eps">The smallest reduction that is applied, &gt;= 0; default 1e-8.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="minLrs"/> does not have one value per group.</exception>
    public ReduceLROnPlateau(
        Optimizer optimizer,
        PlateauMode mode = PlateauMode.Min,
        double factor = 0.1,
        int patience = 10,
        double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Relative,
        int cooldown = 0,
        double minLr = 0,
        IReadOnlyList<double>? minLrs = null,
        double eps = 1e-8)
        : base(optimizer, nameof(ReduceLROnPlateau))
    {
        if (mode is not (PlateauMode.Min or PlateauMode.Max))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), $"mode must be Min or Max; got {mode}.");
        }

        if (thresholdMode is not (ThresholdMode.Relative or ThresholdMode.Absolute))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), $"thresholdMode must be Relative or Absolute; got {thresholdMode}.");
        }

        if (!(factor >= 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), $"factor must be in [0, 1); got {OptionRules.Text(factor)}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        OptionRules.AtLeastZero(threshold, nameof(threshold), null);
        OptionRules.AtLeastZero(eps, nameof(eps), null);
        OptionRules.AtLeastZero(minLr, nameof(minLr), null);
        _minLrs = new double[optimizer.Groups.Count];
        if (minLrs is null)
        {
            Array.Fill(_minLrs, minLr);
        }
        else
        {
            if (minLrs.Count != _minLrs.Length)
            {
                throw new ArgumentException($"minLrs needs one value per parameter group: {_minLrs.Length}; got {minLrs.Count}.", nameof(minLrs));
            }

            for (int g = 0; g < _minLrs.Length; g++)
            {
                OptionRules.AtLeastZero(minLrs[g], $"minLrs[{g}]", null);
                _minLrs[g] = minLrs[g];
            }
        }

        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        Best = WorstValue;
    }

    /// <summary>Whether the metric should decrease or increase.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor by which the learning rate is reduced.</summary>
    public double Factor { get; }

    /// <summary>The number of epochs without improvement that are tolerated.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>The number of epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The smallest learning rate of each group.</summary>
    public IReadOnlyList<double> MinLearningRates => _minLrs;

    /// <summary>The smallest reduction that is applied.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (+∞ in min mode, −∞ in max mode before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>The number of epochs since the metric last improved (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>The number of cooldown epochs left.</summary>
    public int CooldownCounter { get; private set; }

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records the metric of the epoch that just ended and reduces the learning rates on a plateau.</summary>
    /// <param name="metric">The epoch's metric (for instance the validation loss).</param>
    public void Step(double metric)
    {
        Epoch++;
        if (IsBetter(metric))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadEpochs = 0;
        }

        if (BadEpochs > Patience)
        {
            var groups = Optimizer.Groups;
            for (int g = 0; g < groups.Count; g++)
            {
                double old = groups[g].LearningRate;
                double reduced = Math.Max(old * Factor, _minLrs[g]);
                if (old - reduced > Eps)
                {
                    groups[g].LearningRate = reduced;
                }
            }

            CooldownCounter = Cooldown;
            BadEpochs = 0;
        }
    }

    private bool IsBetter(double metric) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Relative) => metric < Best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Absolute) => metric < Best - Threshold,
        (PlateauMode.Max, ThresholdMode.Relative) => metric > Best * (Threshold + 1.0),
        _ => metric > Best + Threshold,
    };

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "mode"] = Mode == PlateauMode.Min ? "min" : "max";
        values[prefix + "factor"] = OptionRules.Text(Factor);
        values[prefix + "patience"] = Patience.ToString(CultureInfo.InvariantCulture);
        values[prefix + "threshold"] = OptionRules.Text(Threshold);
        values[prefix + "threshold_mode"] = ThresholdMode == ThresholdMode.Relative ? "rel" : "abs";
        values[prefix + "cooldown"] = Cooldown.ToString(CultureInfo.InvariantCulture);
        values[prefix + "eps"] = OptionRules.Text(Eps);
        for (int g = 0; g < _minLrs.Length; g++)
        {
            values[$"{prefix}min_lrs.{g.ToString(CultureInfo.InvariantCulture)}"] = OptionRules.Text(_minLrs[g]);
        }
    }

    private protected override void WriteState(Dictionary<string, string> values)
    {
        values["best"] = OptionRules.Text(Best);
        values["num_bad_epochs"] = BadEpochs.ToString(CultureInfo.InvariantCulture);
        values["cooldown_counter"] = CooldownCounter.ToString(CultureInfo.InvariantCulture);
        var groups = Optimizer.Groups;
        for (int g = 0; g < groups.Count; g++)
        {
            values[$"last_lr.{g.ToString(CultureInfo.InvariantCulture)}"] = OptionRules.Text(groups[g].LearningRate);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "Thrown on behalf of LoadState(state).")]
    private protected override Action ReadState(IReadOnlyDictionary<string, string> values, string what)
    {
        double best = OptionRules.ParseDouble(OptionRules.Required(values, "best", what), "best", what);
        long bad = OptionRules.ParseCount(OptionRules.Required(values, "num_bad_epochs", what), "num_bad_epochs", what);
        long cooldown = OptionRules.ParseCount(OptionRules.Required(values, "cooldown_counter", what), "cooldown_counter", what);
        if (bad > int.MaxValue || cooldown > Cooldown)
        {
            throw new ArgumentException($"Cannot load the {what} state: num_bad_epochs {bad} or cooldown_counter {cooldown} is out of range.", "state");
        }

        var rates = new double[Optimizer.Groups.Count];
        for (int g = 0; g < rates.Length; g++)
        {
            rates[g] = ReadLearningRate(values, $"last_lr.{g.ToString(CultureInfo.InvariantCulture)}", what);
        }

        return () =>
        {
            Best = best;
            BadEpochs = (int)bad;
            CooldownCounter = (int)cooldown;
            var groups = Optimizer.Groups;
            for (int g = 0; g < rates.Length; g++)
            {
                groups[g].LearningRate = rates[g];
            }
        };
    }
}
