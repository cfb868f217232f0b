using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DiffGen;

/// <summary>
/// Multiplies the learning rate by <c>gamma</c> at each milestone epoch: <c>lr = base·gamma^(number of milestones ≤
/// epoch)</c> (PyTorch's <c>MultiStepLR</c>; a milestone given twice counts twice).
/// </summary>
/// <remarks><code>var schedule = new MultiStepLR(optimizer, milestones: [30, 80], gamma: 0.1);</code></remarks>
public sealed class MultiStepLR : EpochSchedule
{
    private readonly int[] _milestones;

    /// <summary>Creates the schedule and sets the epoch-0 learning rates.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="milestones">The epochs at which the learning rate decays, each &gt;= 1, in any order.</param>
    /// <param name="gamma">The decay factor, a finite number &gt;= 0; default 0.1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1)
        : base(optimizer, nameof(MultiStepLR))
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = [.. milestones.Order()];
        if (_milestones.Length > 0 && _milestones[0] < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(milestones), $"Every milestone must be >= 1; got {_milestones[0].ToString(CultureInfo.InvariantCulture)}.");
        }

        OptionRules.AtLeastZero(gamma, nameof(gamma), null);
        Gamma = gamma;
        Apply();
    }

    /// <summary>The milestones, sorted.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    private protected override double Compute(int epoch, double baseLearningRate)
    {
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= epoch)
        {
            passed++;
        }

        return baseLearningRate * Math.Pow(Gamma, passed);
    }

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "kind"] = Kind;
        values[prefix + "milestones"] = string.Join(",", _milestones.Select(m => m.ToString(CultureInfo.InvariantCulture)));
        values[prefix + "gamma"] = OptionRules.Text(Gamma);
    }
}
