using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// Changes the learning rates of an optimizer's groups from epoch to epoch: the base of the epoch schedules
/// (<see cref="EpochSchedule"/>: <see cref="StepLR"/>, <see cref="MultiStepLR"/>, <see cref="ExponentialLR"/>,
/// <see cref="CosineAnnealingLR"/>, <see cref="LinearWarmup"/>, <see cref="SequentialLR"/>) and of
/// <see cref="ReduceLROnPlateau"/>, which follow PyTorch's <c>torch.optim.lr_scheduler</c>.
/// </summary>
/// <remarks>
/// Call the schedule's <c>Step</c> once per epoch, after that epoch's optimizer steps. Its state (epoch count and
/// counters) is saved and restored with <see cref="SaveState"/> and <see cref="LoadState"/>, next to the optimizer's.
/// </remarks>
public abstract class LearningRateSchedule
{
    private const string FormatVersion = "1";

    private protected LearningRateSchedule(Optimizer optimizer, string kind)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        Kind = kind;
    }

    /// <summary>The optimizer whose learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The schedule's name, as stored in its state (<c>"StepLR"</c>).</summary>
    public string Kind { get; }

    /// <summary>How many times <c>Step</c> has been called (PyTorch's <c>last_epoch</c>); 0 after construction.</summary>
    public int Epoch { get; private protected set; }

    /// <summary>
    /// A snapshot of the schedule's state: its kind, options and counters, as named invariant-culture values (the
    /// <see cref="OptimizerState.Tensors"/> are empty), for a checkpoint to store next to the optimizer's state.
    /// </summary>
    /// <returns>A snapshot that later steps do not change.</returns>
    public OptimizerState SaveState()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kind"] = Kind,
            ["version"] = FormatVersion,
            ["group_count"] = Optimizer.Groups.Count.ToString(CultureInfo.InvariantCulture),
            ["last_epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
        };
        WriteOptions(values, "options.");
        WriteState(values);
        return new OptimizerState(new Dictionary<string, Tensor>(), values);
    }

    /// <summary>
    /// Restores a state from <see cref="SaveState"/> and sets the optimizer's learning rates to those of the restored
    /// epoch. The schedule must be of the same kind with the same options, over an optimizer with the same number of
    /// groups; everything is checked before anything changes.
    /// </summary>
    /// <param name="state">The state to restore.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The state does not fit this schedule; the message says what differs.</exception>
    public void LoadState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var values = state.Values;
        string what = Kind + " schedule";
        string kind = OptionRules.Required(values, "kind", what);
        if (kind != Kind)
        {
            throw new ArgumentException($"Cannot load the {what} state: it was saved by a {kind} schedule.", nameof(state));
        }

        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = FormatVersion,
            ["group_count"] = Optimizer.Groups.Count.ToString(CultureInfo.InvariantCulture),
        };
        WriteOptions(expected, "options.");
        foreach (var (key, value) in expected)
        {
            string saved = OptionRules.Required(values, key, what);
            if (saved != value)
            {
                throw new ArgumentException($"Cannot load the {what} state: '{key}' is {saved} in the saved state and {value} in this schedule.", nameof(state));
            }
        }

        long epoch = OptionRules.ParseCount(OptionRules.Required(values, "last_epoch", what), "last_epoch", what);
        if (epoch > int.MaxValue)
        {
            throw new ArgumentException($"Cannot load the {what} state: 'last_epoch' is {epoch}, more than {int.MaxValue}.", nameof(state));
        }

        var restore = ReadState(values, what);
        Epoch = (int)epoch;
        restore();
    }

    /// <summary>Throws for a learning rate read from a state that is not a finite number &gt;= 0.</summary>
    [SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "Thrown on behalf of LoadState(state).")]
    private protected static double ReadLearningRate(IReadOnlyDictionary<string, string> values, string key, string what)
    {
        double value = OptionRules.ParseDouble(OptionRules.Required(values, key, what), key, what);
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentException($"Cannot load the {what} state: '{key}' is {OptionRules.Text(value)}; a learning rate is a finite number >= 0.", "state");
        }

        return value;
    }

    /// <summary>Writes the options, which a loaded state must match, under <paramref name="prefix"/>.</summary>
    private protected abstract void WriteOptions(Dictionary<string, string> values, string prefix);

    /// <summary>Writes the state other than the epoch.</summary>
    private protected abstract void WriteState(Dictionary<string, string> values);

    /// <summary>Reads and checks the state other than the epoch; returns the action that applies it (after <see cref="Epoch"/> is set).</summary>
    private protected abstract Action ReadState(IReadOnlyDictionary<string, string> values, string what);
}
