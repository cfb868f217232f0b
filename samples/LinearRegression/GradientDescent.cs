using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace DiffGen.Samples.LinearRegression;

/// <summary>One way to run gradient descent: how many samples per update, how long a step, which momentum.</summary>
/// <param name="Label">The name in the table and the plots' legends.</param>
/// <param name="BatchSize">Samples per update: 1 is stochastic GD, m is batch GD, anything between is mini-batch GD.</param>
/// <param name="LearningRate">The step size γ.</param>
/// <param name="Momentum">μ; 0 for plain gradient descent.</param>
/// <param name="Nesterov">Whether the momentum is Nesterov's (look ahead along the velocity before taking the gradient).</param>
internal sealed record RunSettings(string Label, int BatchSize, double LearningRate, double Momentum = 0, bool Nesterov = false);

/// <summary>What a run measured, epoch by epoch.</summary>
internal sealed class RunResult(RunSettings settings, double optimum)
{
    public RunSettings Settings { get; } = settings;

    /// <summary>J(θ*), the least value of J on these samples (see <see cref="LinearModel.LeastSquares"/>).</summary>
    public double Optimum { get; } = optimum;

    /// <summary>J(θ) on all m samples: before training (index 0) and after each epoch.</summary>
    public List<double> Loss { get; } = [];

    /// <summary>Training time in seconds at the same points (the evaluation of J on all samples is not counted).</summary>
    public List<double> Seconds { get; } = [];

    /// <summary>The bias b after each of the first updates: shows a too-large step overshooting and oscillating.</summary>
    public List<double> BiasPath { get; } = [];

    /// <summary>The number of parameter updates (optimizer steps) taken.</summary>
    public long Updates { get; set; }

    /// <summary>The epoch at which the convergence test was met, or null if it never was.</summary>
    public int? ConvergedAt { get; set; }

    /// <summary>The first epoch after which J was within the target of J(θ*) (e.g. 1 % above it), or null.</summary>
    public int? ReachedAt { get; set; }

    /// <summary>The training time until <see cref="ReachedAt"/>, in seconds.</summary>
    public double? ReachedSeconds => ReachedAt is int epoch ? Seconds[epoch] : null;

    /// <summary>Whether the loss blew up (grew a thousandfold or stopped being a number).</summary>
    public bool Diverged { get; set; }

    /// <summary>The number of epochs run.</summary>
    public int Epochs => Loss.Count - 1;

    /// <summary>The loss after the last epoch.</summary>
    public double FinalLoss => Loss[^1];

    /// <summary>The training time of the whole run, in seconds.</summary>
    public double TotalSeconds => Seconds[^1];
}

/// <summary>The training loop of the lesson, with the gradient the generator emits for <see cref="LinearModel.Loss"/>.</summary>
internal static class GradientDescent
{
    /// <summary>The number of first updates whose bias is recorded in <see cref="RunResult.BiasPath"/>.</summary>
    private const int BiasPathLength = 60;

    /// <summary>Trains θ from zero on <paramref name="data"/> with <paramref name="settings"/> until it converges, diverges or runs out of epochs.</summary>
    /// <param name="data">The samples (Float64 features [m, d] and targets [m]).</param>
    /// <param name="settings">Batch size, learning rate, momentum.</param>
    /// <param name="options">The epoch limit, the convergence test, the target and the shuffle seed.</param>
    /// <param name="optimum">J(θ*), the least value of J on <paramref name="data"/>.</param>
    /// <param name="onEpoch">Called after every epoch, for progress.</param>
    public static RunResult Train(Dataset data, RunSettings settings, Options options, double optimum, Action<RunResult>? onEpoch = null)
    {
        int features = data.Features.Shape[1];
        var all = data.Features.Doubles;
        var targets = data.Labels.Doubles;

        // θ = (w₁ … w_d, b), all zero: every run starts from the same point.
        var theta = new Parameter(Tensor.Zeros(DType.Float64, features + 1));

        // PyTorch's SGD: with momentum 0 it is θ ← θ − γ·∇J; with momentum it keeps a velocity v ← μ·v + ∇J.
        var optimizer = new Sgd([theta], lr: settings.LearningRate, momentum: settings.Momentum, nesterov: settings.Nesterov);

        // The batch size is the only difference between batch, stochastic and mini-batch gradient descent.
        // Mini-batches are drawn in a new random order every epoch; batch GD uses all samples in place, unshuffled.
        bool shuffle = settings.BatchSize < data.Count;
        var loader = new DataLoader(data, settings.BatchSize, shuffle, options.ShuffleSeed);

        var result = new RunResult(settings, optimum);
        var clock = new Stopwatch();
        double initial = LinearModel.Loss(theta.Value.Doubles, all, targets, features);
        result.Loss.Add(initial);
        result.Seconds.Add(0);

        int quietEpochs = 0;
        for (int epoch = 1; epoch <= options.MaxEpochs; epoch++)
        {
            clock.Start();
            foreach (var (x, y) in loader)
            {
                optimizer.ZeroGrad();
                // J on this batch and its exact gradient, added into theta.Grad: code generated at compile time.
                LinearModel.LossWithGradient(theta.Value.Doubles, x.Doubles, y.Doubles, features, theta.Grad.Doubles);
                optimizer.Step();
                result.Updates++;
                if (result.BiasPath.Count < BiasPathLength)
                {
                    result.BiasPath.Add(theta.Value.Doubles[features]);
                }
            }

            clock.Stop();

            // J on all samples, the quantity the lesson minimizes; not timed.
            double loss = LinearModel.Loss(theta.Value.Doubles, all, targets, features);
            double previous = result.Loss[^1];
            result.Loss.Add(loss);
            result.Seconds.Add(clock.Elapsed.TotalSeconds);
            onEpoch?.Invoke(result);
            if (result.ReachedAt is null && loss <= (1 + options.Target) * optimum)
            {
                result.ReachedAt = epoch;
            }

            if (!double.IsFinite(loss) || loss > 1e3 * initial)
            {
                result.Diverged = true;
                break;
            }

            // Converged: the loss changed by less than `tolerance` of itself for `patience` epochs in a row.
            quietEpochs = Math.Abs(loss - previous) < options.Tolerance * previous ? quietEpochs + 1 : 0;
            if (quietEpochs == options.Patience)
            {
                result.ConvergedAt = epoch;
                break;
            }
        }

        return result;
    }
}
