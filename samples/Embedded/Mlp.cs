using static DiffGen.TensorMath;

namespace DiffGen.Samples.Embedded;

/// <summary>A fully connected layer, <c>x·W + b</c>: <c>[n, inputs] → [n, outputs]</c>.</summary>
[Model]
public partial class Linear
{
    /// <summary>Creates the layer with He-uniform weights (bound √(6 / fan-in)) and zero bias.</summary>
    public Linear(int inputs, int outputs, long seed)
    {
        double bound = System.Math.Sqrt(6.0 / inputs);
        Weight = Init.Uniform(DType.Float32, -bound, bound, seed, inputs, outputs);
        Bias = Tensor.Zeros(DType.Float32, outputs);
    }

    /// <summary>The weights, <c>[inputs, outputs]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, <c>[outputs]</c>.</summary>
    public Parameter Bias { get; }

    /// <summary>The affine map.</summary>
    [Differentiable]
    public Tensor Forward(Tensor x) => MatMul(x, Weight) + Bias;
}

/// <summary>
/// A two-layer perceptron for points in the plane: 2 → hidden → hidden → classes, with tanh. The generator writes
/// <c>Parameters()</c>, <c>NamedParameters()</c>, <c>ZeroGrad()</c> and <c>LossWithGradient</c>; none of it uses
/// reflection, so the model trims and compiles ahead of time like any other code.
/// </summary>
[Model]
public partial class Mlp
{
    private readonly Linear _hidden1;
    private readonly Linear _hidden2;
    private readonly Linear _output;

    /// <summary>Creates the network; the seed fixes the initial weights.</summary>
    public Mlp(int hidden, int classes, long seed)
    {
        _hidden1 = new Linear(2, hidden, seed);
        _hidden2 = new Linear(hidden, hidden, seed + 1);
        _output = new Linear(hidden, classes, seed + 2);
    }

    /// <summary>Class scores (logits), <c>[n, classes]</c>.</summary>
    [Differentiable]
    public Tensor Forward(Tensor x) => _output.Forward(Tanh(_hidden2.Forward(Tanh(_hidden1.Forward(x)))));

    /// <summary>The mean cross-entropy of the scores against class-index labels.</summary>
    [Differentiable]
    public double Loss([NoDiff] Tensor points, [NoDiff] Tensor labels) => Losses.CrossEntropy(Forward(points), labels);
}
