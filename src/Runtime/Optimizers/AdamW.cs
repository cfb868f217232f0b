using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>Adam with decoupled weight decay (Loshchilov and Hutter): PyTorch's <c>torch.optim.AdamW</c>.</summary>
/// <remarks>
/// Per step, with <c>t</c> the parameter's step count:
/// <code>
/// d = maximize ? -g : g
/// if λ != 0: θ = θ·(1 − γ·λ)      // decoupled decay, d unchanged
/// m = β1·m + (1 − β1)·d
/// v = β2·v + (1 − β2)·d²
/// c1 = 1 − β1^t ;  c2 = 1 − β2^t
/// amsgrad: vmax = max(vmax, v)      // over the raw v
/// denom = sqrt(amsgrad ? vmax : v) / sqrt(c2) + ε   // ε after bias correction
/// θ = θ − (γ / c1)·m / denom
/// </code>
/// <code>var optimizer = new AdamW(net.Parameters(), lr: 1e-3, betas: (0.9, 0.999));</code>
/// </remarks>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates an AdamW optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate γ; default 1e-3.</param>
    /// <param name="betas">The decay rates (β1, β2) of the moment estimates, each in [0, 1); <see langword="null"/> means (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The decoupled weight decay λ: θ is multiplied by 1 − γ·λ before the update; default 1e-2.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant (the running maximum of v); default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">No parameters.</exception>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this([new ParameterGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>Creates an AdamW optimizer over parameter groups; the options given here apply where a group does not override them.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">The learning rate γ; default 1e-3.</param>
    /// <param name="betas">The decay rates (β1, β2) of the moment estimates, each in [0, 1); <see langword="null"/> means (0.9, 0.999).</param>
    /// <param name="eps">The term ε added to the denominator, &gt;= 0; default 1e-8.</param>
    /// <param name="weightDecay">The decoupled weight decay λ: θ is multiplied by 1 − γ·λ before the update; default 1e-2.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant (the running maximum of v); default <see langword="false"/>.</param>
    /// <param name="maximize">Whether to maximise the objective; default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it and its value.</exception>
    /// <exception cref="ArgumentException">An invalid group override, a parameter given twice, or no parameters.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(nameof(AdamW), groups, lr, new AdamRule.Options(betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize, null), AdamRule.BufferNames)
    {
    }

    private protected override void Update(OptimizerGroup group, Parameter parameter, ParameterState state)
        => AdamRule.Update(group, parameter, state, decoupled: true);
}
