using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace TorchModels;

/// <summary>The MLP 784-128-10 with ReLU in TorchSharp, written as a TorchSharp user would.</summary>
public sealed class TorchMlp : Module<Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear output;

    public TorchMlp()
        : base(nameof(TorchMlp))
    {
        hidden = Linear(784, 128);
        output = Linear(128, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => output.call(relu(hidden.call(input)));
}

/// <summary>LeNet-5 for 28×28 images in TorchSharp: the same layers as DiffGen's <c>LeNet</c>.</summary>
public sealed class TorchLeNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public TorchLeNet()
        : base(nameof(TorchLeNet))
    {
        conv1 = Conv2d(1, 6, 5, padding: 2);
        conv2 = Conv2d(6, 16, 5);
        fc1 = Linear(16 * 5 * 5, 120);
        fc2 = Linear(120, 84);
        fc3 = Linear(84, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = max_pool2d(relu(conv1.call(input)), 2);
        x = max_pool2d(relu(conv2.call(x)), 2);
        x = x.flatten(1);
        x = relu(fc1.call(x));
        x = relu(fc2.call(x));
        return fc3.call(x);
    }
}
