using static DiffGen.TensorMath;

namespace DiffGen.EndToEnd.Tests.Networks;

/// <summary>A fully connected layer, x·W + b, written as a user would.</summary>
[Model]
public partial class Linear
{
    public Linear(DType dtype, int inputs, int outputs, long seed)
    {
        // Stored [inputs, outputs] for x·W: the fan-in is the first dimension (Init.Kaiming* reads PyTorch's
        // [outputs, inputs]), so He's bound √(6 / fan-in) is written out.
        double bound = System.Math.Sqrt(6.0 / inputs);
        Weight = Init.Uniform(dtype, -bound, bound, seed, inputs, outputs);
        Bias = Tensor.Zeros(dtype, outputs);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    [Differentiable]
    public Tensor Forward(Tensor x) => MatMul(x, Weight) + Bias;
}

/// <summary>The MNIST multi-layer perceptron of the lesson: 784-128-10 with ReLU, cross-entropy loss.</summary>
[Model]
public partial class Mlp
{
    private readonly Linear _hidden;
    private readonly Linear _output;

    public Mlp(DType dtype, int inputs = 784, int hidden = 128, int classes = 10, long seed = 1)
    {
        _hidden = new Linear(dtype, inputs, hidden, seed);
        _output = new Linear(dtype, hidden, classes, seed + 1);
    }

    [Differentiable]
    public Tensor Forward(Tensor images) => _output.Forward(Relu(_hidden.Forward(images)));

    [Differentiable]
    public double Loss([NoDiff] Tensor images, [NoDiff] Tensor labels) => Losses.CrossEntropy(Forward(images), labels);
}

/// <summary>The same MLP in PyTorch's layout: TensorMath.Linear with weights [out, in], so Init.KaimingUniform applies directly.</summary>
[Model]
public partial class TorchLayoutMlp
{
    public TorchLayoutMlp(DType dtype, int inputs, int hidden, int classes, long seed)
    {
        Weight1 = Init.KaimingUniform(dtype, seed, hidden, inputs);
        Bias1 = Tensor.Zeros(dtype, hidden);
        Weight2 = Init.KaimingUniform(dtype, seed + 1, classes, hidden);
        Bias2 = Tensor.Zeros(dtype, classes);
    }

    public Parameter Weight1 { get; }

    public Parameter Bias1 { get; }

    public Parameter Weight2 { get; }

    public Parameter Bias2 { get; }

    [Differentiable]
    public double Loss([NoDiff] Tensor images, [NoDiff] Tensor labels) =>
        Losses.CrossEntropy(Linear(Relu(Linear(images, Weight1, Bias1)), Weight2, Bias2), labels);
}
