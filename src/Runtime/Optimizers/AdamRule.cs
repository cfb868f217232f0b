using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiffGen;

/// <summary>The update shared by <see cref="Adam"/> (coupled L2 weight decay) and <see cref="AdamW"/> (decoupled).</summary>
internal static class AdamRule
{
    public const int ExpAvg = 0;
    public const int ExpAvgSq = 1;
    public const int MaxExpAvgSq = 2;

    public static readonly string[] BufferNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    public static void Update(OptimizerGroup group, Parameter parameter, ParameterState state, bool decoupled)
    {
        if (parameter.DType == DType.Float32)
        {
            Update<float>(group, parameter, state, decoupled);
        }
        else
        {
            Update<double>(group, parameter, state, decoupled);
        }
    }

    private static void Update<T>(OptimizerGroup group, Parameter parameter, ParameterState state, bool decoupled)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = (Options)group.Options;
        double lr = group.LearningRate;
        double biasCorrection1 = 1 - Math.Pow(o.Beta1, state.Step);
        double biasCorrection2 = 1 - Math.Pow(o.Beta2, state.Step);
        T negativeStepSize = T.CreateTruncating(-(lr / biasCorrection1));
        T biasCorrection2Sqrt = T.CreateTruncating(Math.Sqrt(biasCorrection2));
        T decay = T.CreateTruncating(1 - (lr * o.WeightDecay));
        T weightDecay = T.CreateTruncating(o.WeightDecay);
        T oneMinusBeta1 = T.CreateTruncating(1 - o.Beta1);
        T beta2 = T.CreateTruncating(o.Beta2);
        T oneMinusBeta2 = T.CreateTruncating(1 - o.Beta2);
        T eps = T.CreateTruncating(o.Eps);

        Span<T> theta = parameter.Value.AsSpan<T>();
        ReadOnlySpan<T> grad = parameter.Grad.AsSpan<T>();
        Span<T> m = state.Buffer<T>(ExpAvg);
        Span<T> v = state.Buffer<T>(ExpAvgSq);
        Span<T> vMax = state.Buffer<T>(MaxExpAvgSq);
        for (int i = 0; i < theta.Length; i++)
        {
            T d = o.Maximize ? -grad[i] : grad[i];
            if (o.WeightDecay != 0)
            {
                if (decoupled)
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
            T denominator;
            if (o.Amsgrad)
            {
                vMax[i] = T.Max(vMax[i], v[i]);
                denominator = (T.Sqrt(vMax[i]) / biasCorrection2Sqrt) + eps;
            }
            else
            {
                denominator = (T.Sqrt(v[i]) / biasCorrection2Sqrt) + eps;
            }

            theta[i] += negativeStepSize * m[i] / denominator;
        }
    }

    /// <summary>The options of <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
    public sealed class Options : GroupOptions
    {
        private static readonly string[] s_names = ["betas", "eps", "weight_decay", "amsgrad", "maximize"];

        public Options((double Beta1, double Beta2) betas, double eps, double weightDecay, bool amsgrad, bool maximize, int? group)
        {
            OptionRules.ZeroToBelowOne(betas.Beta1, "betas.Beta1", group);
            OptionRules.ZeroToBelowOne(betas.Beta2, "betas.Beta2", group);
            OptionRules.AtLeastZero(eps, "eps", group);
            OptionRules.AtLeastZero(weightDecay, "weightDecay", group);
            Beta1 = betas.Beta1;
            Beta2 = betas.Beta2;
            Eps = eps;
            WeightDecay = weightDecay;
            Amsgrad = amsgrad;
            Maximize = maximize;
        }

        public double Beta1 { get; }

        public double Beta2 { get; }

        public double Eps { get; }

        public double WeightDecay { get; }

        public bool Amsgrad { get; }

        public bool Maximize { get; }

        public override IReadOnlyList<string> Names => s_names;

        public override GroupOptions Override(ParameterGroup group, int index)
            => new Options(group.Betas ?? (Beta1, Beta2), group.Eps ?? Eps, group.WeightDecay ?? WeightDecay, group.Amsgrad ?? Amsgrad, group.Maximize ?? Maximize, index);

        public override void Write(IDictionary<string, string> values, string prefix)
        {
            values[prefix + "betas"] = OptionRules.Text(Beta1) + "," + OptionRules.Text(Beta2);
            values[prefix + "eps"] = OptionRules.Text(Eps);
            values[prefix + "weight_decay"] = OptionRules.Text(WeightDecay);
            values[prefix + "amsgrad"] = OptionRules.Text(Amsgrad);
            values[prefix + "maximize"] = OptionRules.Text(Maximize);
        }

        public override bool UsesBuffer(int buffer) => buffer != MaxExpAvgSq || Amsgrad;
    }
}
