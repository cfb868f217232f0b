using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen;

/// <summary>Adagrad (Duchi et al.): per-coordinate steps scaled by the root of the summed squared gradients; PyTorch's <c>torch.optim.Adagrad</c>.</summary>
/// <remarks>
/// Per step, with <c>t</c> the parameter's step count and <c>sum</c> starting at <c>initialAccumulatorValue</c>:
/// <code>
/// d = maximize ? -g : g
/// if λ != 0: d = d + λ·θ
/// clr = γ / (1 + (t − 1)·lr_decay)
/// sum = sum + d²
/// θ = θ − clr·d / (sqrt(sum) + ε)
/// </code>
/// <code>var optimizer = new Adagrad(net.Parameters(), lr: 0.01);</code>
/// </remarks>
public sealed class Adagrad : Optimizer
{
    private const int Sum = 0;

    /// <summary>Creates an Adagrad optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate γ; default 1e-2.</param>
    /// <param name="lrDecay">The learning-rate decay, &gt;= 0; default 0.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="initialAccumulatorValue">The initial value of the sum of squares, &gt;= 0; default 0.</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-10.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)
    {
    }

    /// <summary>Creates an Adagrad optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate γ; default 1e-2.</param>
    /// <param name="lrDecay">The learning-rate decay, &gt;= 0; default 0.</param>
    /// <param name="weightDecay">The L2 penalty λ; default 0.</param>
    /// <param name="initialAccumulatorValue">The initial value of the sum of squares, &gt;= 0; default 0.</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-10.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid group override, a parameter given twice, or no parameters.</exception>
    public Adagrad(IEnumerable<ParameterGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(nameof(Adagrad), groups, lr, new Options(lrDecay, weightDecay, initialAccumulatorValue, eps, maximize, null), ["sum"])
    {
    }

    private protected override void InitializeState(OptimizerGroup group, ParameterState state)
        => state.Buffers[Sum]!.Fill(((Options)group.Options).InitialAccumulatorValue);

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
        double clr = group.LearningRate / (1 + ((state.Step - 1) * o.LrDecay));
        T negativeClr = T.CreateTruncating(-clr);
        T weightDecay = T.CreateTruncating(o.WeightDecay);
        T eps = T.CreateTruncating(o.Eps);
        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        Span<T> sum = state.Buffer<T>(Sum);
        for (int i = 0; i < theta.Length; i++)
        {
            T d = o.Maximize ? -grad[i] : grad[i];
            if (o.WeightDecay != 0)
            {
                d += weightDecay * theta[i];
            }

            sum[i] += d * d;
            T std = T.Sqrt(sum[i]) + eps;
            theta[i] += negativeClr * d / std;
        }
    }

    private sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"];

        public Options(double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, bool maximize, int? group)
        {
            OptionRules.AtLeastZero(lrDecay, "lrDecay", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            OptionRules.AtLeastZero(initialAccumulatorValue, "initialAccumulatorValue", group);
            OptionRules.AtLeastZero(eps, "eps", group);
            LrDecay = lrDecay;
            WeightDecay = weightDecay;
            InitialAccumulatorValue = initialAccumulatorValue;
            Eps = eps;
            Maximize = maximize;
        }

        public double LrDecay { get; }

        public double WeightDecay { get; }

        public double InitialAccumulatorValue { get; }

        public double Eps { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.LrDecay ?? LrDecay, group.WeightDecay ?? WeightDecay, group.InitialAccumulatorValue ?? InitialAccumulatorValue, group.Eps ?? Eps, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "lr_decay"] = OptionRules.Text(LrDecay);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "initial_accumulator_value"] = OptionRules.Text(InitialAccumulatorValue);
            values[prefix + "eps"] = OptionRules.Text(Eps);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => true;
    }
}
