using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiffGen;

/// <summary>Multiplies the learning rate by <c>gamma</c> every <c>stepSize</c> epochs: <c>lr = base·gamma^⌊epoch / stepSize⌋</c> (PyTorch's <c>StepLR</c>).</summary>
/// <remarks><code>var schedule = new StepLR(optimizer, stepSize: 30, gamma: 0.1);   // 0.1 for 30 epochs, 0.01 for 30, ...</code></remarks>
public sealed class StepLR : EpochSchedule
{
    /// <summary>Creates the schedule and sets the epoch-0 learning rates.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">The number of epochs between decays, &gt;= 1.</param>
    /// <param name="gamma">The decay factor, a finite number &gt;= 0; default 0.1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1)
        : base(optimizer, nameof(StepLR))
    {
        if (stepSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), $"stepSize must be >= 1; got {stepSize.ToString(CultureInfo.InvariantCulture)}.");
        }

        OptionRules.AtLeastZero(gamma, nameof(gamma), null);
        StepSize = stepSize;
        Gamma = gamma;
        Apply();
    }

    /// <summary>The number of epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    private protected override double Compute(int epoch, double baseLearningRate)
        => baseLearningRate * Math.Pow(Gamma, epoch / StepSize);

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "kind"] = Kind;
        values[prefix + "step_size"] = StepSize.ToString(CultureInfo.InvariantCulture);
        values[prefix + "gamma"] = OptionRules.Text(Gamma);
    }
}
