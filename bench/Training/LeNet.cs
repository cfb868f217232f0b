using static DiffGen.TensorMath;

namespace DiffGen.Benchmarks.Training;

/// <summary>A 2-D convolution layer with bias, as a user would write it.</summary>
[Model]
public partial class Conv
{
    public Conv(DType dtype, int inputs, int outputs, int kernel, int padding, long seed)
    {
        Weight = Init.KaimingUniform(dtype, seed, outputs, inputs, kernel, kernel);
        Bias = Tensor.Zeros(dtype, outputs);
        Padding = padding;
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    /// <summary>Read by Forward, which models that hold this layer inline: so not private (see docs/models.md).</summary>
    internal int Padding { get; }

    [Differentiable]
    public Tensor Forward(Tensor x) => Conv2d(x, Weight, Bias, stride: 1, padding: Padding);
}

/// <summary>LeNet-5 for 28×28 images: two convolution and pooling stages, three dense layers.</summary>
[Model]
public partial class LeNet
{
    private readonly Conv _conv1;
    private readonly Conv _conv2;
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;

    public LeNet(DType dtype, long seed = 1)
    {
        _conv1 = new Conv(dtype, 1, 6, kernel: 5, padding: 2, seed);
        _conv2 = new Conv(dtype, 6, 16, kernel: 5, padding: 0, seed + 1);
        _fc1 = new Linear(dtype, 16 * 5 * 5, 120, seed + 2);
        _fc2 = new Linear(dtype, 120, 84, seed + 3);
        _fc3 = new Linear(dtype, 84, 10, seed + 4);
    }

    /// <summary>Class scores [n, 10] for images [n, 1, 28, 28].</summary>
    [Differentiable]
    public Tensor Forward(Tensor images)
    {
        var x = MaxPool2d(Relu(_conv1.Forward(images)), 2);   // [n, 6, 14, 14]
        x = MaxPool2d(Relu(_conv2.Forward(x)), 2);             // [n, 16, 5, 5]
        x = Flatten(x, 1);                                     // [n, 400]
        x = Relu(_fc1.Forward(x));
        x = Relu(_fc2.Forward(x));
        return _fc3.Forward(x);
    }

    [Differentiable]
    public double Loss([NoDiff] Tensor images, [NoDiff] Tensor labels) => Losses.CrossEntropy(Forward(images), labels);
}
