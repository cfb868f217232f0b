using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen;

/// <summary>NAdam (Dozat): Adam with Nesterov momentum and a momentum schedule; PyTorch's <c>torch.optim.NAdam</c>.</summary>
/// <remarks>
/// Per step, with <c>t</c> the parameter's step count and ψ the momentum decay:
/// <code>
/// d = maximize ? -g : g
/// if λ != 0: decoupled ? θ = θ·(1 − γ·λ) : d = d + λ·θ
/// μ_t = β1·(1 − 0.5·0.96^(t·ψ)) ;  μ_{t+1} = β1·(1 − 0.5·0.96^((t+1)·ψ))
/// Π_t = Π_{t−1}·μ_t
/// m = β1·m + (1 − β1)·d ;  v = β2·v + (1 − β2)·d²
/// denom = sqrt(v / (1 − β2^t)) + ε
/// θ = θ − γ·(1 − μ_t)/(1 − Π_t)·d/denom − γ·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/denom
/// </code>
/// The running product Π (<c>mu_product</c>) is kept in double precision.
/// <code>var optimizer = new NAdam(net.Parameters());   // lr 2e-3, momentum decay 4e-3</code>
/// </remarks>
public sealed class NAdam : Optimizer
{
    private const int ExpAvg = 0;
    private const int ExpAvgSq = 1;

    /// <summary>Creates an NAdam optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate γ; default 2e-3.</param>
    /// <param name="betas">The decay rates (β1, β2), each in [0, 1); <see langword="null"/> means (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The weight decay λ; default 0.</param>
    /// <param name="momentumDecay">The momentum decay ψ, &gt;= 0; default 4e-3.</param>
    /// <param name="decoupledWeightDecay">Whether to decay θ directly, as AdamW does, instead of adding λ·θ to d; default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3, bool decoupledWeightDecay = false, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize)
    {
    }

    /// <summary>Creates an NAdam optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate γ; default 2e-3.</param>
    /// <param name="betas">The decay rates (β1, β2), each in [0, 1); <see langword="null"/> means (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The weight decay λ; default 0.</param>
    /// <param name="momentumDecay">The momentum decay ψ, &gt;= 0; default 4e-3.</param>
    /// <param name="decoupledWeightDecay">Whether to decay θ directly, as AdamW does, instead of adding λ·θ to d; default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid group override, a parameter given twice, or no parameters.</exception>
    public NAdam(IEnumerable<ParameterGroup> groups, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3, bool decoupledWeightDecay = false, bool maximize = false)
        : base(nameof(NAdam), groups, lr, new Options(betas ?? (0.9, 0.999), eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize, null), ["exp_avg", "exp_avg_sq"])
    {
    }

    private protected override bool HasMuProduct => true;

    private protected override void Update(OptimizerGroup group, Parameter parameter, ParameterState state)
    {
        var o = (Options)group.Options;
        double t = state.Step;
        double mu = o.Beta1 * (1.0 - (0.5 * Math.Pow(0.96, t * o.MomentumDecay)));
        double muNext = o.Beta1 * (1.0 - (0.5 * Math.Pow(0.96, (t + 1) * o.MomentumDecay)));
        state.MuProduct *= mu;
        var c = new Coefficients(
            Lr: group.LearningRate,
            BiasCorrection2: 1 - Math.Pow(o.Beta2, t),
            GradScale: -group.LearningRate * (1.0 - mu) / (1.0 - state.MuProduct),
            AvgScale: -group.LearningRate * muNext / (1.0 - (state.MuProduct * muNext)));
        if (parameter.DType == DType.Float32)
        {
            Update<float>(o, c, parameter, state);
        }
        else
        {
            Update<double>(o, c, parameter, state);
        }
    }

    private static void Update<T>(Options o, Coefficients c, Parameter parameter, ParameterState state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T weightDecay = T.CreateTruncating(o.WeightDecay);
        T decay = T.CreateTruncating(1 - (c.Lr * o.WeightDecay));
        T oneMinusBeta1 = T.CreateTruncating(1 - o.Beta1);
        T beta2 = T.CreateTruncating(o.Beta2);
        T oneMinusBeta2 = T.CreateTruncating(1 - o.Beta2);
        T biasCorrection2 = T.CreateTruncating(c.BiasCorrection2);
        T eps = T.CreateTruncating(o.Eps);
        T gradScale = T.CreateTruncating(c.GradScale);
        T avgScale = T.CreateTruncating(c.AvgScale);
        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        Span<T> m = state.Buffer<T>(ExpAvg);
        Span<T> v = state.Buffer<T>(ExpAvgSq);
        for (int i = 0; i < theta.Length; i++)
        {
            T d = o.Maximize ? -grad[i] : grad[i];
            if (o.WeightDecay != 0)
            {
                if (o.DecoupledWeightDecay)
                {
                    theta[i] *= decay;
                }
                else
                {
                    d += weightDecay * theta[i];
                }
            }

            m[i] = Pointwise.Lerp(m[i], d, oneMinusBeta1);
            v[i] = (v[i] * beta2) + (oneMinusBeta2 * d * d);
            T denominator = T.Sqrt(v[i] / biasCorrection2) + eps;
            theta[i] += gradScale * d / denominator;
            theta[i] += avgScale * m[i] / denominator;
        }
    }

    private readonly record struct Coefficients(double Lr, double BiasCorrection2, double GradScale, double AvgScale);

    private sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"];

        public Options((double Beta1, double Beta2) betas, double eps, double weightDecay, double momentumDecay, bool decoupledWeightDecay, bool maximize, int? group)
        {
            OptionRules.ZeroToBelowOne(betas.Beta1, "betas.Beta1", group);
            OptionRules.ZeroToBelowOne(betas.Beta2, "betas.Beta2", group);
            OptionRules.AtLeastZero(eps, "eps", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            OptionRules.AtLeastZero(momentumDecay, "momentumDecay", group);
            Beta1 = betas.Beta1;
            Beta2 = betas.Beta2;
            Eps = eps;
            WeightDecay = weightDecay;
            MomentumDecay = momentumDecay;
            DecoupledWeightDecay = decoupledWeightDecay;
            Maximize = maximize;
        }

        public double Beta1 { get; }

        public double Beta2 { get; }

        public double Eps { get; }

        public double WeightDecay { get; }

        public double MomentumDecay { get; }

        public bool DecoupledWeightDecay { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.Betas ?? (Beta1, Beta2), group.Eps ?? Eps, group.WeightDecay ?? WeightDecay, group.MomentumDecay ?? MomentumDecay, group.DecoupledWeightDecay ?? DecoupledWeightDecay, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "betas"] = OptionRules.Text(Beta1) + "," + OptionRules.Text(Beta2);
            values[prefix + "eps"] = OptionRules.Text(Eps);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "momentum_decay"] = OptionRules.Text(MomentumDecay);
            values[prefix + "decoupled_weight_decay"] = OptionRules.Text(DecoupledWeightDecay);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => true;
    }
}
