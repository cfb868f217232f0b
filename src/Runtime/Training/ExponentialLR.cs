using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>Multiplies the learning rate by <c>gamma</c> every epoch: <c>lr = base·gamma^epoch</c> (PyTorch's <c>ExponentialLR</c>).</summary>
/// <remarks><code>var schedule = new ExponentialLR(optimizer, gamma: 0.95);</code></remarks>
public sealed class ExponentialLR : EpochSchedule
{
    /// <summary>Creates the schedule and sets the epoch-0 learning rates.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="gamma">The decay factor per epoch, a finite number &gt;= 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is out of range.</exception>
    public ExponentialLR(Optimizer optimizer, double gamma)
        : base(optimizer, nameof(ExponentialLR))
    {
        OptionRules.AtLeastZero(gamma, nameof(gamma), null);
        Gamma = gamma;
        Apply();
    }

    /// <summary>The decay factor per epoch.</summary>
    public double Gamma { get; }

    private protected override double Compute(int epoch, double baseLearningRate)
        => baseLearningRate * Math.Pow(Gamma, epoch);

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "kind"] = Kind;
        values[prefix + "gamma"] = OptionRules.Text(Gamma);
    }
}
