using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen;

/// <summary>RMSprop (Hinton): steps scaled by a running root mean square of the gradients; PyTorch's <c>torch.optim.RMSprop</c>.</summary>
/// <remarks>
/// Per step:
/// <code>
/// d = maximize ? -g : g
/// if λ != 0: d = d + λ·θ
/// s = α·s + (1 − α)·d²
/// centered: gavg = α·gavg + (1 − α)·d ; avg = sqrt(s − gavg²) + ε
/// else:     avg = sqrt(s) + ε
/// momentum &gt; 0: buf = momentum·buf + d / avg ; θ = θ − γ·buf
/// else:         θ = θ − γ·d / avg
/// </code>
/// <code>var optimizer = new RMSprop(net.Parameters(), lr: 0.01, momentum: 0.9, centered: true);</code>
/// </remarks>
public sealed class RMSprop : Optimizer
{
    private const int SquareAvg = 0;
    private const int MomentumBuffer = 1;
    private const int GradAvg = 2;

    /// <summary>Creates an RMSprop optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate γ; default 1e-2.</param>
    /// <param name="alpha">The smoothing constant α, in [0, 1]; default 0.99.</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="momentum">The momentum factor, &gt;= 0; default 0.</param>
    /// <param name="centered">Whether to normalise by the estimated variance of the gradient; default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, alpha, eps, weightDecay, momentum, centered, maximize)
    {
    }

    /// <summary>Creates an RMSprop optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate γ; default 1e-2.</param>
    /// <param name="alpha">The smoothing constant α, in [0, 1]; default 0.99.</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="momentum">The momentum factor, &gt;= 0; default 0.</param>
    /// <param name="centered">Whether to normalise by the estimated variance of the gradient; default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid group override, a parameter given twice, or no parameters.</exception>
    public RMSprop(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(nameof(RMSprop), groups, lr, new Options(alpha, eps, weightDecay, momentum, centered, maximize, null), ["square_avg", "momentum_buffer", "grad_avg"])
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
        T alpha = T.CreateTruncating(o.Alpha);
        T oneMinusAlpha = T.CreateTruncating(1 - o.Alpha);
        T eps = T.CreateTruncating(o.Eps);
        T momentum = T.CreateTruncating(o.Momentum);
        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        Span<T> squareAvg = state.Buffer<T>(SquareAvg);
        Span<T> buffer = state.Buffer<T>(MomentumBuffer);
        Span<T> gradAvg = state.Buffer<T>(GradAvg);
        for (int i = 0; i < theta.Length; i++)
        {
            T d = o.Maximize ? -grad[i] : grad[i];
            if (o.WeightDecay != 0)
            {
                d += weightDecay * theta[i];
            }

            squareAvg[i] = (squareAvg[i] * alpha) + (oneMinusAlpha * d * d);
            T avg;
            if (o.Centered)
            {
                gradAvg[i] = Pointwise.Lerp(gradAvg[i], d, oneMinusAlpha);
                avg = T.Sqrt(squareAvg[i] - (gradAvg[i] * gradAvg[i]));
            }
            else
            {
                avg = T.Sqrt(squareAvg[i]);
            }

            avg += eps;
            if (o.Momentum > 0)
            {
                buffer[i] = (buffer[i] * momentum) + (d / avg);
                theta[i] += negativeLr * buffer[i];
            }
            else
            {
                theta[i] += negativeLr * d / avg;
            }
        }
    }

    private sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["alpha", "eps", "weight_decay", "momentum", "centered", "maximize"];

        public Options(double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize, int? group)
        {
            OptionRules.ZeroToOne(alpha, "alpha", group);
            OptionRules.AtLeastZero(eps, "eps", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            OptionRules.AtLeastZero(momentum, "momentum", group);
            Alpha = alpha;
            Eps = eps;
            WeightDecay = weightDecay;
            Momentum = momentum;
            Centered = centered;
            Maximize = maximize;
        }

        public double Alpha { get; }

        public double Eps { get; }

        public double WeightDecay { get; }

        public double Momentum { get; }

        public bool Centered { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.Alpha ?? Alpha, group.Eps ?? Eps, group.WeightDecay ?? WeightDecay, group.Momentum ?? Momentum, group.Centered ?? Centered, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "alpha"] = OptionRules.Text(Alpha);
            values[prefix + "eps"] = OptionRules.Text(Eps);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "momentum"] = OptionRules.Text(Momentum);
            values[prefix + "centered"] = OptionRules.Text(Centered);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => buffer switch
        {
            MomentumBuffer => Momentum > 0,
            GradAvg => Centered,
            _ => true,
        };
    }
}
