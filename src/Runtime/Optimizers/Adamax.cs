using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen;

/// <summary>Adamax (Kingma and Ba): Adam with the infinity norm in place of the second moment; PyTorch's <c>torch.optim.Adamax</c>.</summary>
/// <remarks>
/// Per step, with <c>t</c> the parameter's step count:
/// <code>
/// d = maximize ? -g : g
/// if λ != 0: d = d + λ·θ
/// m = β1·m + (1 − β1)·d
/// u = max(β2·u, |d| + ε)
/// θ = θ − (γ / (1 − β1^t))·m / u
/// </code>
/// <code>var optimizer = new Adamax(net.Parameters());   // lr 2e-3</code>
/// </remarks>
public sealed class Adamax : Optimizer
{
    private const int ExpAvg = 0;
    private const int ExpInf = 1;

    /// <summary>Creates an Adamax optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate γ; default 2e-3.</param>
    /// <param name="betas">The decay rates (β1, β2), each in [0, 1); <see langword="null"/> means (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to |d|, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adamax(IEnumerable<Parameter> parameters, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, betas, eps, weightDecay, maximize)
    {
    }

    /// <summary>Creates an Adamax optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate γ; default 2e-3.</param>
    /// <param name="betas">The decay rates (β1, β2), each in [0, 1); <see langword="null"/> means (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to |d|, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid group override, a parameter given twice, or no parameters.</exception>
    public Adamax(IEnumerable<ParameterGroup> groups, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, bool maximize = false)
        : base(nameof(Adamax), groups, lr, new Options(betas ?? (0.9, 0.999), eps, weightDecay, maximize, null), ["exp_avg", "exp_inf"])
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
        double clr = group.LearningRate / (1 - Math.Pow(o.Beta1, state.Step));
        T negativeClr = T.CreateTruncating(-clr);
        T weightDecay = T.CreateTruncating(o.WeightDecay);
        T oneMinusBeta1 = T.CreateTruncating(1 - o.Beta1);
        T beta2 = T.CreateTruncating(o.Beta2);
        T eps = T.CreateTruncating(o.Eps);
        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        Span<T> m = state.Buffer<T>(ExpAvg);
        Span<T> u = state.Buffer<T>(ExpInf);
        for (int i = 0; i < theta.Length; i++)
        {
            T d = o.Maximize ? -grad[i] : grad[i];
            if (o.WeightDecay != 0)
            {
                d += weightDecay * theta[i];
            }

            m[i] = Pointwise.Lerp(m[i], d, oneMinusBeta1);
            u[i] = T.Max(u[i] * beta2, T.Abs(d) + eps);
            theta[i] += negativeClr * m[i] / u[i];
        }
    }

    private sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["betas", "eps", "weight_decay", "maximize"];

        public Options((double Beta1, double Beta2) betas, double eps, double weightDecay, bool maximize, int? group)
        {
            OptionRules.ZeroToBelowOne(betas.Beta1, "betas.Beta1", group);
            OptionRules.ZeroToBelowOne(betas.Beta2, "betas.Beta2", group);
            OptionRules.AtLeastZero(eps, "eps", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            Beta1 = betas.Beta1;
            Beta2 = betas.Beta2;
            Eps = eps;
            WeightDecay = weightDecay;
            Maximize = maximize;
        }

        public double Beta1 { get; }

        public double Beta2 { get; }

        public double Eps { get; }

        public double WeightDecay { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.Betas ?? (Beta1, Beta2), group.Eps ?? Eps, group.WeightDecay ?? WeightDecay, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "betas"] = OptionRules.Text(Beta1) + "," + OptionRules.Text(Beta2);
            values[prefix + "eps"] = OptionRules.Text(Eps);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => true;
    }
}
