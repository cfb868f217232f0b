using System.Numerics;

namespace DiffGen.Runtime.Tests.Training;

/// <summary>
/// Linear regression <c>y = x·w + b</c> with the mean squared error, its gradient written by hand into
/// <see cref="Parameter.Grad"/> (what a generated <c>LossWithGradient</c> does). Allocates nothing per call.
/// </summary>
internal sealed class LinearRegressionProblem
{
    public LinearRegressionProblem(int features, DType dtype = DType.Float64, double initialWeight = 0)
    {
        W = new Parameter(Tensor.Full(dtype, initialWeight, features));
        B = new Parameter(Tensor.Zeros(dtype, 1));
        Parameters = [W, B];
    }

    public Parameter W { get; }

    public Parameter B { get; }

    public Parameter[] Parameters { get; }

    /// <summary>The batch's mean squared error; adds its gradient into W.Grad and B.Grad.</summary>
    public double LossWithGradient(Batch batch) => W.DType == DType.Float32
        ? Compute<float>(batch.Features, batch.Labels, withGradient: true)
        : Compute<double>(batch.Features, batch.Labels, withGradient: true);

    /// <summary>The batch's mean squared error, without gradient.</summary>
    public double Loss(Batch batch) => W.DType == DType.Float32
        ? Compute<float>(batch.Features, batch.Labels, withGradient: false)
        : Compute<double>(batch.Features, batch.Labels, withGradient: false);

    /// <summary>The mean squared error over a whole dataset.</summary>
    public double Loss(Dataset data) => W.DType == DType.Float32
        ? Compute<float>(data.Features, data.Labels, withGradient: false)
        : Compute<double>(data.Features, data.Labels, withGradient: false);

    private double Compute<T>(Tensor features, Tensor labels, bool withGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = features.Shape[0];
        int d = features.Shape[1];
        ReadOnlySpan<T> x = features.AsSpan<T>();
        ReadOnlySpan<T> y = labels.AsSpan<T>();
        ReadOnlySpan<T> w = W.Value.AsSpan<T>();
        T b = B.Value.AsSpan<T>()[0];
        Span<T> gw = W.Grad.AsSpan<T>();
        Span<T> gb = B.Grad.AsSpan<T>();
        T scale = T.CreateChecked(2.0 / n);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            T prediction = b;
            for (int j = 0; j < d; j++)
            {
                prediction += x[i * d + j] * w[j];
            }

            T residual = prediction - y[i];
            sum += double.CreateChecked(residual * residual);
            if (withGradient)
            {
                T g = scale * residual;
                for (int j = 0; j < d; j++)
                {
                    gw[j] += g * x[i * d + j];
                }

                gb[0] += g;
            }
        }

        return sum / n;
    }
}

/// <summary>
/// Multinomial logistic regression (softmax regression): scores <c>x·W + b</c> of shape <c>[n, classes]</c>, mean
/// cross-entropy against class-index labels, gradient written by hand. The loss functions allocate nothing;
/// <see cref="Predict"/> keeps its scores buffer, and allocates only a view of it for a batch smaller than the first.
/// </summary>
internal sealed class SoftmaxRegressionProblem
{
    private readonly int _classes;
    private Tensor? _scores;

    public SoftmaxRegressionProblem(int features, int classes, DType dtype = DType.Float32)
    {
        _classes = classes;
        W = new Parameter(Tensor.Zeros(dtype, features, classes));
        B = new Parameter(Tensor.Zeros(dtype, classes));
        Parameters = [W, B];
    }

    public Parameter W { get; }

    public Parameter B { get; }

    public Parameter[] Parameters { get; }

    public double LossWithGradient(Batch batch) => LossWithGradient(batch.Features, batch.Labels);

    public double LossWithGradient(Tensor features, Tensor labels) => W.DType == DType.Float32
        ? Compute<float>(features, labels, withGradient: true)
        : Compute<double>(features, labels, withGradient: true);

    public double Loss(Batch batch) => Loss(batch.Features, batch.Labels);

    public double Loss(Tensor features, Tensor labels) => W.DType == DType.Float32
        ? Compute<float>(features, labels, withGradient: false)
        : Compute<double>(features, labels, withGradient: false);

    /// <summary>The class scores of the batch, <c>[n, classes]</c>.</summary>
    public Tensor Predict(Batch batch) => Predict(batch.Features);

    /// <summary>The class scores of the samples, <c>[n, classes]</c>.</summary>
    public Tensor Predict(Tensor features)
    {
        int n = features.Shape[0];
        if (_scores is null || _scores.Shape[0] < n)
        {
            _scores = Tensor.Zeros(W.DType, n, _classes);
        }

        var scores = _scores.Shape[0] == n ? _scores : _scores.Slice(0, n);
        if (W.DType == DType.Float32)
        {
            Scores<float>(features, scores.AsSpan<float>());
        }
        else
        {
            Scores<double>(features, scores.AsSpan<double>());
        }

        return scores;
    }

    /// <summary>A hand-written accuracy count, for <see cref="Trainer.CountCorrect"/>.</summary>
    public int CountCorrect(Batch batch) => Metrics.CountCorrect(Predict(batch), batch.Labels);

    private void Scores<T>(Tensor features, Span<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = features.Shape[0];
        int d = features.Shape[1];
        int k = _classes;
        ReadOnlySpan<T> x = features.AsSpan<T>();
        ReadOnlySpan<T> w = W.Value.AsSpan<T>();
        ReadOnlySpan<T> b = B.Value.AsSpan<T>();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                T s = b[c];
                for (int j = 0; j < d; j++)
                {
                    s += x[i * d + j] * w[j * k + c];
                }

                scores[i * k + c] = s;
            }
        }
    }

    private double Compute<T>(Tensor features, Tensor classIndices, bool withGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = features.Shape[0];
        int d = features.Shape[1];
        int k = _classes;
        ReadOnlySpan<T> x = features.AsSpan<T>();
        ReadOnlySpan<T> labels = classIndices.AsSpan<T>();
        ReadOnlySpan<T> w = W.Value.AsSpan<T>();
        ReadOnlySpan<T> b = B.Value.AsSpan<T>();
        Span<T> gw = W.Grad.AsSpan<T>();
        Span<T> gb = B.Grad.AsSpan<T>();
        Span<double> p = stackalloc double[k];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++)
            {
                T s = b[c];
                for (int j = 0; j < d; j++)
                {
                    s += x[i * d + j] * w[j * k + c];
                }

                p[c] = double.CreateChecked(s);
                max = Math.Max(max, p[c]);
            }

            double total = 0;
            for (int c = 0; c < k; c++)
            {
                p[c] = Math.Exp(p[c] - max);
                total += p[c];
            }

            int label = int.CreateChecked(labels[i]);
            sum += -Math.Log(p[label] / total);
            if (withGradient)
            {
                for (int c = 0; c < k; c++)
                {
                    T g = T.CreateChecked(((p[c] / total) - (c == label ? 1 : 0)) / n);
                    gb[c] += g;
                    for (int j = 0; j < d; j++)
                    {
                        gw[j * k + c] += g * x[i * d + j];
                    }
                }
            }
        }

        return sum / n;
    }
}

/// <summary>Collects progress reports synchronously, in order (unlike <see cref="Progress{T}"/>, which posts them).</summary>
internal sealed class RecordingProgress : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value) => Reports.Add(value);
}

internal static class Snapshot
{
    public static double[][] Of(IEnumerable<Parameter> parameters) =>
        [.. parameters.Select(p => Enumerable.Range(0, p.Value.Length).Select(i => Element(p.Value, i)).ToArray())];

    public static double[] Values(Tensor t) => [.. Enumerable.Range(0, t.Length).Select(i => Element(t, i))];

    private static double Element(Tensor t, int i) => t.DType == DType.Float32 ? t.Floats[i] : t.Doubles[i];
}
