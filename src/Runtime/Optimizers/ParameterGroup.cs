using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// Parameters that an optimizer updates with their own options, like an entry of PyTorch's <c>param_groups</c>: an option
/// given here overrides the optimizer's value for these parameters only; an option left <see langword="null"/> takes the
/// optimizer's value.
/// </summary>
/// <remarks>
/// <para>
/// The option names are PyTorch's, in C# casing (<c>weight_decay</c> is <c>weightDecay</c>). One type serves every
/// optimizer; an optimizer rejects, at construction, a group that sets an option it does not have (a <c>rho</c> for
/// <see cref="Sgd"/>).
/// </para>
/// <code>
/// var optimizer = new Sgd(
///     [new ParameterGroup(body), new ParameterGroup(head, lr: 0.01, weightDecay: 0)],
///     lr: 0.1, momentum: 0.9, weightDecay: 1e-4);
/// </code>
/// </remarks>
public sealed class ParameterGroup
{
    private readonly Parameter[] _parameters;
    private readonly IReadOnlyList<Parameter> _parametersView;

    /// <summary>Creates a group of parameters with option overrides.</summary>
    /// <param name="parameters">The parameters of the group (copied).</param>
    /// <param name="lr">The learning rate (all optimizers).</param>
    /// <param name="weightDecay">The weight decay (all optimizers).</param>
    /// <param name="momentum">The momentum factor (<see cref="Sgd"/>, <see cref="RMSprop"/>).</param>
    /// <param name="dampening">The dampening of momentum (<see cref="Sgd"/>).</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (<see cref="Sgd"/>).</param>
    /// <param name="betas">The moment decay rates (<see cref="Adam"/>, <see cref="AdamW"/>, <see cref="Adamax"/>, <see cref="NAdam"/>).</param>
    /// <param name="eps">The term added for numerical stability (all optimizers but <see cref="Sgd"/>).</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant (<see cref="Adam"/>, <see cref="AdamW"/>).</param>
    /// <param name="lrDecay">The learning-rate decay (<see cref="Adagrad"/>).</param>
    /// <param name="initialAccumulatorValue">The initial value of the sum of squares (<see cref="Adagrad"/>).</param>
    /// <param name="alpha">The smoothing constant (<see cref="RMSprop"/>).</param>
    /// <param name="centered">Whether to normalise by the estimated variance (<see cref="RMSprop"/>).</param>
    /// <param name="rho">The decay rate of the running averages (<see cref="Adadelta"/>).</param>
    /// <param name="momentumDecay">The momentum decay (<see cref="NAdam"/>).</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled, as in AdamW (<see cref="NAdam"/>).</param>
    /// <param name="maximize">Whether to maximise the objective instead of minimising it (all optimizers).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> contains <see langword="null"/>.</exception>
    public ParameterGroup(
        IEnumerable<Parameter> parameters,
        double? lr = null,
        double? weightDecay = null,
        double? momentum = null,
        double? dampening = null,
        bool? nesterov = null,
        (double Beta1, double Beta2)? betas = null,
        double? eps = null,
        bool? amsgrad = null,
        double? lrDecay = null,
        double? initialAccumulatorValue = null,
        double? alpha = null,
        bool? centered = null,
        double? rho = null,
        double? momentumDecay = null,
        bool? decoupledWeightDecay = null,
        bool? maximize = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (_parameters[i] is null)
            {
                throw new ArgumentException($"Parameter {i} of the group is null.", nameof(parameters));
            }
        }

        _parametersView = Array.AsReadOnly(_parameters);
        LearningRate = lr;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        Betas = betas;
        Eps = eps;
        Amsgrad = amsgrad;
        LrDecay = lrDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Alpha = alpha;
        Centered = centered;
        Rho = rho;
        MomentumDecay = momentumDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
        Maximize = maximize;
    }

    /// <summary>The parameters of the group, in the order given.</summary>
    public IReadOnlyList<Parameter> Parameters => _parametersView;

    /// <summary>The learning rate override (<c>lr</c>), or <see langword="null"/> for the optimizer's.</summary>
    public double? LearningRate { get; }

    /// <summary>The weight decay override (<c>weight_decay</c>), or <see langword="null"/>.</summary>
    public double? WeightDecay { get; }

    /// <summary>The momentum override (<c>momentum</c>), or <see langword="null"/>.</summary>
    public double? Momentum { get; }

    /// <summary>The dampening override (<c>dampening</c>), or <see langword="null"/>.</summary>
    public double? Dampening { get; }

    /// <summary>The Nesterov override (<c>nesterov</c>), or <see langword="null"/>.</summary>
    public bool? Nesterov { get; }

    /// <summary>The moment decay rates override (<c>betas</c>), or <see langword="null"/>.</summary>
    public (double Beta1, double Beta2)? Betas { get; }

    /// <summary>The epsilon override (<c>eps</c>), or <see langword="null"/>.</summary>
    public double? Eps { get; }

    /// <summary>The AMSGrad override (<c>amsgrad</c>), or <see langword="null"/>.</summary>
    public bool? Amsgrad { get; }

    /// <summary>The learning-rate decay override (<c>lr_decay</c>), or <see langword="null"/>.</summary>
    public double? LrDecay { get; }

    /// <summary>The initial accumulator value override (<c>initial_accumulator_value</c>), or <see langword="null"/>.</summary>
    public double? InitialAccumulatorValue { get; }

    /// <summary>The smoothing constant override (<c>alpha</c>), or <see langword="null"/>.</summary>
    public double? Alpha { get; }

    /// <summary>The centered override (<c>centered</c>), or <see langword="null"/>.</summary>
    public bool? Centered { get; }

    /// <summary>The decay rate override (<c>rho</c>), or <see langword="null"/>.</summary>
    public double? Rho { get; }

    /// <summary>The momentum decay override (<c>momentum_decay</c>), or <see langword="null"/>.</summary>
    public double? MomentumDecay { get; }

    /// <summary>The decoupled weight decay override (<c>decoupled_weight_decay</c>), or <see langword="null"/>.</summary>
    public bool? DecoupledWeightDecay { get; }

    /// <summary>The maximize override (<c>maximize</c>), or <see langword="null"/>.</summary>
    public bool? Maximize { get; }

    /// <summary>The PyTorch names of the options this group sets, other than <c>lr</c>.</summary>
    internal List<string> OverriddenOptions()
    {
        var names = new List<string>();
        Add(WeightDecay.HasValue, "weight_decay");
        Add(Momentum.HasValue, "momentum");
        Add(Dampening.HasValue, "dampening");
        Add(Nesterov.HasValue, "nesterov");
        Add(Betas.HasValue, "betas");
        Add(Eps.HasValue, "eps");
        Add(Amsgrad.HasValue, "amsgrad");
        Add(LrDecay.HasValue, "lr_decay");
        Add(InitialAccumulatorValue.HasValue, "initial_accumulator_value");
        Add(Alpha.HasValue, "alpha");
        Add(Centered.HasValue, "centered");
        Add(Rho.HasValue, "rho");
        Add(MomentumDecay.HasValue, "momentum_decay");
        Add(DecoupledWeightDecay.HasValue, "decoupled_weight_decay");
        Add(Maximize.HasValue, "maximize");
        return names;

        void Add(bool set, string name)
        {
            if (set)
            {
                names.Add(name);
            }
        }
    }
}
