using static DiffGen.TensorMath;

namespace DiffGen.Samples.LeNet;

/// <summary>
/// A 2-D convolution with bias: <c>[n, inputs, h, w] → [n, outputs, h', w']</c>. A <c>[Model]</c> class: the generator
/// finds its two <see cref="Parameter"/>s and writes <c>Parameters()</c>, <c>NamedParameters()</c> and <c>ZeroGrad()</c>.
/// </summary>
[Model]
public partial class Conv
{
    /// <summary>Creates the layer with Kaiming-uniform weights (PyTorch's default for convolutions) and zero bias.</summary>
    public Conv(int inputs, int outputs, int kernel, int padding, long seed)
    {
        Weight = Init.KaimingUniform(DType.Float32, seed, outputs, inputs, kernel, kernel);
        Bias = Tensor.Zeros(DType.Float32, outputs);
        Padding = padding;
    }

    /// <summary>The kernels, <c>[outputs, inputs, kernel, kernel]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>One bias per output channel.</summary>
    public Parameter Bias { get; }

    /// <summary>
    /// Zeros added around the image. Read by <see cref="Forward"/>, whose body the generator inlines into the model's
    /// loss gradient: so it is <c>internal</c>, not <c>private</c> (DG0102 says so otherwise).
    /// </summary>
    internal int Padding { get; }

    /// <summary>The convolution (stride 1).</summary>
    [Differentiable]
    public Tensor Forward(Tensor x) => Conv2d(x, Weight, Bias, stride: 1, padding: Padding);
}

/// <summary>A fully connected layer, <c>x·W + b</c>: <c>[n, inputs] → [n, outputs]</c>.</summary>
[Model]
public partial class Linear
{
    /// <summary>Creates the layer with Kaiming-uniform weights and zero bias.</summary>
    public Linear(int inputs, int outputs, long seed)
    {
        // Stored [inputs, outputs] for x·W: the fan-in is the first dimension (Init.Kaiming* reads PyTorch's
        // [outputs, inputs]), so He's bound √(6 / fan-in) is written out.
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
/// LeNet-5 (LeCun et al., 1998) for 28×28 images, with ReLU and max-pooling as it is usually written today:
/// conv 5×5 (6) → pool → conv 5×5 (16) → pool → 120 → 84 → 10. 61,706 parameters.
/// </summary>
/// <remarks>
/// Only <see cref="Forward"/> and <see cref="Loss"/> are written by hand. The generator adds
/// <c>LossWithGradient(images, labels)</c>: the loss and, added into every parameter's <c>Grad</c>, its exact gradient,
/// through the convolutions, the pooling and the dense layers.
/// </remarks>
[Model]
public partial class LeNet5
{
    // Sub-models are found by the generator in declaration order; the leading underscore is dropped from the
    // parameter names, which are the checkpoint's keys: conv1.Weight, conv1.Bias, ..., fc3.Bias.
    private readonly Conv _conv1;
    private readonly Conv _conv2;
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;

    /// <summary>Creates the network; the same seed gives the same initial weights.</summary>
    public LeNet5(long seed = 1)
    {
        _conv1 = new Conv(1, 6, kernel: 5, padding: 2, seed);      // 28×28 padded to 32×32, as LeNet-5's input
        _conv2 = new Conv(6, 16, kernel: 5, padding: 0, seed + 1);
        _fc1 = new Linear(16 * 5 * 5, 120, seed + 2);
        _fc2 = new Linear(120, 84, seed + 3);
        _fc3 = new Linear(84, 10, seed + 4);
    }

    /// <summary>Class scores (logits) <c>[n, 10]</c> for images <c>[n, 1, 28, 28]</c>.</summary>
    [Differentiable]
    public Tensor Forward(Tensor images)
    {
        var x = MaxPool2d(Relu(_conv1.Forward(images)), 2);   // [n, 6, 14, 14]
        x = MaxPool2d(Relu(_conv2.Forward(x)), 2);             // [n, 16, 5, 5]
        x = Flatten(x, 1);                                     // [n, 400]
        x = Relu(_fc1.Forward(x));                             // [n, 120]
        x = Relu(_fc2.Forward(x));                             // [n, 84]
        return _fc3.Forward(x);                                // [n, 10]
    }

    /// <summary>
    /// The mean cross-entropy of the batch: −log softmax(scores)[label], averaged. Images and labels are data, not
    /// variables: <c>[NoDiff]</c> tells the generator to spend no work on their gradients.
    /// </summary>
    [Differentiable]
    public double Loss([NoDiff] Tensor images, [NoDiff] Tensor labels) => Losses.CrossEntropy(Forward(images), labels);
}
