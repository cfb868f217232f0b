using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen;

/// <summary>Adadelta (Zeiler): steps scaled by the ratio of running RMS of updates and of gradients; PyTorch's <c>torch.optim.Adadelta</c>.</summary>
/// <remarks>
/// Per step:
/// <code>
/// d = maximize ? -g : g
/// if λ != 0: d = d + λ·θ
/// s = ρ·s + (1 − ρ)·d²
/// delta = sqrt(acc + ε) / sqrt(s + ε) · d
/// acc = ρ·acc + (1 − ρ)·delta²
/// θ = θ − γ·delta
/// </code>
/// <code>var optimizer = new Adadelta(net.Parameters());   // lr 1.0, rho 0.9</code>
/// </remarks>
public sealed class Adadelta : Optimizer
{
    private const int SquareAvg = 0;
    private const int AccDelta = 1;

    /// <summary>Creates an Adadelta optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The coefficient γ that scales delta; default 1.0.</param>
    /// <param name="rho">The decay rate ρ of the running averages, in [0, 1]; default 0.9.</param>
    /// <param name="eps">The term ε added inside the square roots, &gt;= 0; default 1e-6.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, rho, eps, weightDecay, maximize)
    {
    }

    /// <summary>Creates an Adadelta optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The coefficient γ that scales delta; default 1.0.</param>
    /// <param name="rho">The decay rate ρ of the running averages, in [0, 1]; default 0.9.</param>
    /// <param name="eps">The term ε added inside the square roots, &gt;= 0; default 1e-6.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid group override, a parameter given twice, or no parameters.</exception>
    public Adadelta(IEnumerable<ParameterGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        : base(nameof(Adadelta), groups, lr, new Options(rho, eps, weightDecay, maximize, null), ["square_avg", "acc_delta"])
    {
    }

    private protected override void Update(OptimizerGroup group, Parameter parameter, ParameterState state)
    {
        if (parameter.DType == DType.Float32)
        {
            Update<float>(group, parameter, state);
        }
        else
        {
            Update<double>(group, parameter, state);
        }
    }

    private static void Update<T>(OptimizerGroup group, Parameter parameter, ParameterState state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = (Options)group.Options;
        T negativeLr = T.CreateTruncating(-group.LearningRate);
        T weightDecay = T.CreateTruncating(o.WeightDecay);
        T rho = T.CreateTruncating(o.Rho);
        T oneMinusRho = T.CreateTruncating(1 - o.Rho);
        T eps = T.CreateTruncating(o.Eps);
        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        Span<T> squareAvg = state.Buffer<T>(SquareAvg);
        Span<T> accDelta = state.Buffer<T>(AccDelta);
        for (int i = 0; i < theta.Length; i++)
        {
            T d = o.Maximize ? -grad[i] : grad[i];
            if (o.WeightDecay != 0)
            {
                d += weightDecay * theta[i];
            }

            squareAvg[i] = (squareAvg[i] * rho) + (oneMinusRho * d * d);
            T std = T.Sqrt(squareAvg[i] + eps);
            T delta = T.Sqrt(accDelta[i] + eps) / std * d;
            accDelta[i] = (accDelta[i] * rho) + (oneMinusRho * delta * delta);
            theta[i] += negativeLr * delta;
        }
    }

    private sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["rho", "eps", "weight_decay", "maximize"];

        public Options(double rho, double eps, double weightDecay, bool maximize, int? group)
        {
            OptionRules.ZeroToOne(rho, "rho", group);
            OptionRules.AtLeastZero(eps, "eps", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            Rho = rho;
            Eps = eps;
            WeightDecay = weightDecay;
            Maximize = maximize;
        }

        public double Rho { get; }

        public double Eps { get; }

        public double WeightDecay { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.Rho ?? Rho, group.Eps ?? Eps, group.WeightDecay ?? WeightDecay, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "rho"] = OptionRules.Text(Rho);
            values[prefix + "eps"] = OptionRules.Text(Eps);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => true;
    }
}
