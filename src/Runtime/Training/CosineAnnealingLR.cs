using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// Anneals the learning rate along half a cosine from the base value to <c>etaMin</c> over <c>tMax</c> epochs:
/// <c>lr = etaMin + (base − etaMin)·(1 + cos(π·epoch / tMax)) / 2</c> (PyTorch's <c>CosineAnnealingLR</c>, without
/// restarts: past <c>tMax</c> the cosine continues and the rate rises again).
/// </summary>
/// <remarks><code>var schedule = new CosineAnnealingLR(optimizer, tMax: 100, etaMin: 1e-5);</code></remarks>
public sealed class CosineAnnealingLR : EpochSchedule
{
    /// <summary>Creates the schedule and sets the epoch-0 learning rates.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="tMax">The number of epochs of the half period, &gt;= 1.</param>
    /// <param name="etaMin">The smallest learning rate, a finite number &gt;= 0; default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0)
        : base(optimizer, nameof(CosineAnnealingLR))
    {
        if (tMax < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tMax), $"tMax must be >= 1; got {tMax.ToString(CultureInfo.InvariantCulture)}.");
        }

        OptionRules.AtLeastZero(etaMin, nameof(etaMin), null);
        TMax = tMax;
        EtaMin = etaMin;
        Apply();
    }

    /// <summary>The number of epochs of the half period.</summary>
    public int TMax { get; }

    /// <summary>The smallest learning rate.</summary>
    public double EtaMin { get; }

    private protected override double Compute(int epoch, double baseLearningRate)
        => EtaMin + ((baseLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2);

    private protected override void WriteOptions(Dictionary<string, string> values, string prefix)
    {
        values[prefix + "kind"] = Kind;
        values[prefix + "T_max"] = TMax.ToString(CultureInfo.InvariantCulture);
        values[prefix + "eta_min"] = OptionRules.Text(EtaMin);
    }
}
