using System;

namespace DiffGen;

/// <summary>
/// What a batch normalization layer keeps besides its learnable weight and bias: the running mean and variance that
/// <see cref="TensorMath.BatchNorm2d"/> and <see cref="TensorMath.BatchNorm1d"/> update in training and use in
/// evaluation, and the layer's momentum and epsilon. It is not differentiated: pass it as an ordinary parameter.
/// </summary>
/// <remarks>
/// The defaults are PyTorch's: running mean 0, running variance 1, momentum 0.1, epsilon 1e-5. Each training call
/// updates <c>running = (1 − momentum) · running + momentum · batch</c>, with the unbiased (<c>n − 1</c>) batch
/// variance; the normalization itself uses the biased variance. A training call updates the statistics once each
/// time it runs, so compute a training step's forward pass once.
/// </remarks>
/// <example>
/// <code>
/// var bn1 = new BatchNormState(channels: 6);                       // one per layer, kept with the model
/// var weight = Tensor.Ones(6);
/// var bias = Tensor.Zeros(6);
/// var h = Relu(BatchNorm2d(Conv2d(x, w1, null, padding: 2), weight, bias, bn1, training: true));
/// </code>
/// </example>
public sealed class BatchNormState
{
    private double _momentum;

    /// <summary>Creates the state of a layer over <paramref name="channels"/> channels.</summary>
    /// <param name="channels">The number of channels (features) normalized.</param>
    /// <param name="dtype">The element type of the inputs the layer will see.</param>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in [0, 1].</param>
    /// <param name="eps">Added to the variance before its square root, more than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count, momentum or epsilon is out of range.</exception>
    public BatchNormState(int channels, DType dtype = DType.Float32, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        if (!(eps > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"The epsilon of a batch normalization must be more than 0; it is {eps}.");
        }

        Momentum = momentum;
        Eps = eps;
        RunningMean = Tensor.Zeros(dtype, channels);
        RunningVar = Tensor.Ones(dtype, channels);
    }

    /// <summary>The running mean, <c>[C]</c>: starts at 0.</summary>
    public Tensor RunningMean { get; }

    /// <summary>The running (unbiased) variance, <c>[C]</c>: starts at 1.</summary>
    public Tensor RunningVar { get; }

    /// <summary>The number of channels.</summary>
    public int Channels => RunningMean.Length;

    /// <summary>The element type of the running statistics, which must be the inputs'.</summary>
    public DType DType => RunningMean.DType;

    /// <summary>The weight of a batch's statistics in the running ones, in [0, 1] (default 0.1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 1].</exception>
    public double Momentum
    {
        get => _momentum;
        set
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The momentum of a batch normalization must be in [0, 1]; it is {value}.");
            }

            _momentum = value;
        }
    }

    /// <summary>Added to the variance before its square root (default 1e-5).</summary>
    public double Eps { get; }

    /// <summary>How many training batches have updated the running statistics.</summary>
    public long BatchesTracked { get; internal set; }

    /// <summary>Puts the running statistics back to mean 0 and variance 1.</summary>
    public void Reset()
    {
        RunningMean.Clear();
        RunningVar.Fill(1);
        BatchesTracked = 0;
    }
}
