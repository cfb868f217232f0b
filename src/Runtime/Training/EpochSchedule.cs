using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// A schedule whose learning rate at each epoch is a closed-form function of the epoch and the group's base learning
/// rate (PyTorch's <c>_get_closed_form_lr</c>): <see cref="StepLR"/>, <see cref="MultiStepLR"/>,
/// <see cref="ExponentialLR"/>, <see cref="CosineAnnealingLR"/>, <see cref="LinearWarmup"/>, <see cref="SequentialLR"/>.
/// </summary>
/// <remarks>
/// <para>
/// Construction sets every group's learning rate to its epoch-0 value; each <see cref="Step"/> advances the epoch and
/// sets the next value. The base learning rate of a group is the one it had when the first schedule was attached to
/// the optimizer (<see cref="OptimizerGroup.InitialLearningRate"/>, PyTorch's <c>initial_lr</c>).
/// </para>
/// <para>
/// PyTorch's <c>step()</c> computes most schedules recursively from the current learning rate; the closed form agrees
/// with it to rounding, and also when a run is resumed. Since each value is computed from the base learning rate, a
/// learning rate set by hand is replaced at the next <see cref="Step"/>, and two epoch schedules are combined with
/// <see cref="SequentialLR"/> or <see cref="LinearWarmup"/> rather than stepped side by side.
/// </para>
/// </remarks>
public abstract class EpochSchedule : LearningRateSchedule
{
    private readonly double[] _baseLearningRates;
    private EpochSchedule? _driver;

    private protected EpochSchedule(Optimizer optimizer, string kind)
        : base(optimizer, kind)
    {
        var groups = optimizer.Groups;
        _baseLearningRates = new double[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            groups[g].InitialLearningRate ??= groups[g].LearningRate;
            _baseLearningRates[g] = groups[g].InitialLearningRate!.Value;
        }
    }

    /// <summary>The base learning rate of each group, from which the schedule computes.</summary>
    public IReadOnlyList<double> BaseLearningRates => _baseLearningRates;

    /// <summary>The learning rate this schedule gives at <paramref name="epoch"/> to a group whose base learning rate is <paramref name="baseLearningRate"/>.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <param name="baseLearningRate">The group's base learning rate.</param>
    /// <returns>The learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public double LearningRateAt(int epoch, double baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Compute(epoch, baseLearningRate);
    }

    /// <summary>Advances to the next epoch and sets the groups' learning rates for it. Call it once per epoch.</summary>
    /// <exception cref="InvalidOperationException">This schedule is part of a <see cref="LinearWarmup"/> or <see cref="SequentialLR"/>, which steps it.</exception>
    public void Step()
    {
        if (_driver is not null)
        {
            throw new InvalidOperationException($"This {Kind} is part of a {_driver.Kind}; call Step() on the {_driver.Kind}.");
        }

        Epoch++;
        Apply();
    }

    /// <summary>The closed form, for an epoch &gt;= 0.</summary>
    private protected abstract double Compute(int epoch, double baseLearningRate);

    /// <summary>Sets every group's learning rate to its value at <see cref="LearningRateSchedule.Epoch"/>.</summary>
    private protected void Apply()
    {
        var groups = Optimizer.Groups;
        for (int g = 0; g < groups.Count; g++)
        {
            groups[g].LearningRate = Compute(Epoch, _baseLearningRates[g]);
        }
    }

    /// <summary>Makes this schedule a part of <paramref name="driver"/>, which alone steps it.</summary>
    private protected static void Adopt(EpochSchedule driver, EpochSchedule part, string paramName)
    {
        ArgumentNullException.ThrowIfNull(part, paramName);
        if (!ReferenceEquals(part.Optimizer, driver.Optimizer))
        {
            throw new ArgumentException($"The {part.Kind} schedules another optimizer; a {driver.Kind} and its parts must share one.", paramName);
        }

        if (part._driver is not null || ReferenceEquals(part, driver))
        {
            throw new ArgumentException($"The {part.Kind} is already part of a {part._driver?.Kind ?? driver.Kind}.", paramName);
        }

        part._driver = driver;
    }

    /// <summary>Writes another schedule's options (a part of a composite) under <paramref name="prefix"/>.</summary>
    internal void WriteOptionsOf(Dictionary<string, string> values, string prefix) => WriteOptions(values, prefix);

    private protected override void WriteState(Dictionary<string, string> values)
    {
        for (int g = 0; g < _baseLearningRates.Length; g++)
        {
            values[$"base_lrs.{g.ToString(CultureInfo.InvariantCulture)}"] = OptionRules.Text(_baseLearningRates[g]);
        }
    }

    private protected override Action ReadState(IReadOnlyDictionary<string, string> values, string what)
    {
        var rates = new double[_baseLearningRates.Length];
        for (int g = 0; g < rates.Length; g++)
        {
            rates[g] = ReadLearningRate(values, $"base_lrs.{g.ToString(CultureInfo.InvariantCulture)}", what);
        }

        return () =>
        {
            rates.CopyTo(_baseLearningRates, 0);
            Apply();
        };
    }
}
