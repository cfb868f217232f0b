using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, dampening, Nesterov momentum and weight decay: PyTorch's
/// <c>torch.optim.SGD</c>.
/// </summary>
/// <remarks>
/// Per step, with <c>g</c> the gradient, <c>t</c> the parameter's step count and <c>b</c> the momentum buffer:
/// <code>
/// d = maximize ? -g : g          // negation first
/// if λ != 0: d = d + λ·θ
/// if μ != 0:
///     b = t == 1 ? d : μ·b + (1 − τ)·d
///     d = nesterov ? d + μ·b : b
/// θ = θ − γ·d
/// </code>
/// <code>var optimizer = new Sgd(net.Parameters(), lr: 0.001, momentum: 0.9);</code>
/// </remarks>
public sealed class Sgd : Optimizer
{
    private const int MomentumBuffer = 0;

    /// <summary>Creates an SGD optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate γ; default 1e-3.</param>
    /// <param name="momentum">The momentum factor μ; default 0 (no momentum).</param>
    /// <param name="dampening">The dampening τ of momentum, in [0, 1]; default 0.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0); default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening, or no parameters.</exception>
    public Sgd(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    /// <summary>Creates an SGD optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate γ; default 1e-3.</param>
    /// <param name="momentum">The momentum factor μ; default 0 (no momentum).</param>
    /// <param name="dampening">The dampening τ of momentum, in [0, 1]; default 0.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0); default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid combination or group override, a parameter given twice, or no parameters.</exception>
    public Sgd(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(nameof(Sgd), groups, lr, new Options(momentum, dampening, weightDecay, nesterov, maximize, null), ["momentum_buffer"])
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
        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        T negativeLr = T.CreateTruncating(-group.LearningRate);
        if (o.Momentum == 0 && o.WeightDecay == 0 && !o.Maximize)
        {
            TensorPrimitives.MultiplyAdd(grad, negativeLr, theta, theta);
            return;
        }

        Span<T> buffer = state.Buffer<T>(MomentumBuffer);
        bool first = state.Step == 1;
        T weightDecay = T.CreateTruncating(o.WeightDecay);
        T momentum = T.CreateTruncating(o.Momentum);
        T oneMinusDampening = T.CreateTruncating(1 - o.Dampening);
        bool maximize = o.Maximize;
        bool decay = o.WeightDecay != 0;
        bool useMomentum = o.Momentum != 0;
        bool nesterov = o.Nesterov;
        if (useMomentum && !decay && !maximize && !nesterov && o.Dampening == 0)
        {
            // The lesson's case (momentum, nothing else): b = μ·b + g; θ -= lr·b, as two vectorised passes.
            if (first)
            {
                grad.CopyTo(buffer);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(buffer, momentum, grad, buffer);
            }

            TensorPrimitives.MultiplyAdd(buffer, negativeLr, theta, theta);
            return;
        }

        // The options are read once: the loop's branches do not change from one element to the next.
        for (int i = 0; i < theta.Length; i++)
        {
            T d = maximize ? -grad[i] : grad[i];
            if (decay)
            {
                d += weightDecay * theta[i];
            }

            if (useMomentum)
            {
                T b = first ? d : (buffer[i] * momentum) + (oneMinusDampening * d);
                buffer[i] = b;
                d = nesterov ? d + (momentum * b) : b;
            }

            theta[i] += negativeLr * d;
        }
    }

    private sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["momentum", "dampening", "weight_decay", "nesterov", "maximize"];

        public Options(double momentum, double dampening, double weightDecay, bool nesterov, bool maximize, int? group)
        {
            OptionRules.AtLeastZero(momentum, "momentum", group);
            OptionRules.ZeroToOne(dampening, "dampening", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            if (nesterov && (momentum <= 0 || dampening != 0))
            {
                OptionRules.Fail($"nesterov requires momentum > 0 and dampening = 0; got momentum {OptionRules.Text(momentum)} and dampening {OptionRules.Text(dampening)}.", "nesterov", group);
            }

            Momentum = momentum;
            Dampening = dampening;
            WeightDecay = weightDecay;
            Nesterov = nesterov;
            Maximize = maximize;
        }

        public double Momentum { get; }

        public double Dampening { get; }

        public double WeightDecay { get; }

        public bool Nesterov { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.Momentum ?? Momentum, group.Dampening ?? Dampening, group.WeightDecay ?? WeightDecay, group.Nesterov ?? Nesterov, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "momentum"] = OptionRules.Text(Momentum);
            values[prefix + "dampening"] = OptionRules.Text(Dampening);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "nesterov"] = OptionRules.Text(Nesterov);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => buffer == MomentumBuffer && Momentum != 0;
    }
}
