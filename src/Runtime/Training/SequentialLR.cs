using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DiffGen;

/// <summary>
/// Runs epoch schedules one after another, switching at milestone epochs; each schedule starts at its own epoch 0
/// (PyTorch's <c>SequentialLR</c>): <c>lr = schedules[i].LearningRateAt(epoch − milestones[i−1], base)</c> where
/// <c>i</c> is the number of milestones ≤ epoch.
/// </summary>
/// <remarks>
/// <code>
/// var schedule = new SequentialLR(optimizer,
///     [new LinearWarmup(optimizer, warmupEpochs: 5, startFactor: 0.1), new ExponentialLR(optimizer, gamma: 0.9)],
///     milestones: [5]);
/// </code>
/// The schedules given are stepped by this one; calling their own <c>Step()</c> throws.
/// </remarks>
public sealed class SequentialLR : EpochSchedule
{
    private readonly EpochSchedule[] _schedules;
    private readonly int[] _milestones;

    /// <summary>Creates the schedule and sets the epoch-0 learning rates.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="schedules">The schedules, over the same optimizer, in the order they run; at least one.</param>
    /// <param name="milestones">The epochs at which the next schedule takes over: one fewer than the schedules, increasing, each &gt;= 1.</param>
    /// <exception cref="ArgumentException">The counts do not fit, a schedule is for another optimizer or already part of one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The milestones are not increasing or not &gt;= 1.</exception>
    public SequentialLR(Optimizer optimizer, IEnumerable<EpochSchedule> schedules, IEnumerable<int> milestones)
        : base(optimizer, nameof(SequentialLR))
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        _schedules = [.. schedules];
        _milestones = [.. milestones];
        if (_schedules.Length == 0)
        {
            throw new ArgumentException("SequentialLR needs at least one schedule.", nameof(schedules));
        }

        if (_milestones.Length != _schedules.Length - 1)
        {
            throw new ArgumentException($"SequentialLR needs one milestone fewer than schedules; got {_schedules.Length} schedules and {_milestones.Length} milestones.", nameof(milestones));
        }

        for (int i = 0; i < _milestones.Length; i++)
        {
            if (_milestones[i] < 1 || (i > 0 && _milestones[i] <= _milestones[i - 1]))
            {
                throw new ArgumentOutOfRangeException(nameof(milestones), $"Milestones must be >= 1 and increasing; got [{string.Join(", ", _milestones)}].");
            }
        }

        foreach (var schedule in _schedules)
        {
            Adopt(this, schedule, nameof(schedules));
        }

        Apply();
    }

    /// <summary>The schedules, in the order they run.</summary>
    public IReadOnlyList<EpochSchedule> Schedules => _schedules;

    /// <summary>The epochs at which the next schedule takes over.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    private protected override double Compute(int epoch, double baseLearningRate)
    {
        int index = 0;
        while (index < _milestones.Length && _milestones[index] <= epoch)
        {
            index++;
        }

        int start = index == 0 ? 0 : _milestones[index - 1];
        return _schedules[index].LearningRateAt(epoch - start, baseLearningRate);
    }

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "kind"] = Kind;
        values[prefix + "milestones"] = string.Join(",", _milestones.Select(m => m.ToString(CultureInfo.InvariantCulture)));
        for (int i = 0; i < _schedules.Length; i++)
        {
            _schedules[i].WriteOptionsOf(values, $"{prefix}schedules.{i.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
