namespace DiffGen.EndToEnd.Tests.Models;

/// <summary>A dense layer: tanh(x·W + b).</summary>
[Model]
public partial class Dense
{
    public Dense(Random random, int inputs, int outputs)
    {
        Weight = UserOps.Random(random, inputs, outputs);
        Bias = UserOps.Random(random, outputs);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    [Differentiable]
    public Tensor Forward(Tensor x) => UserOps.Tanh(UserOps.Affine(x, Weight, Bias));
}

/// <summary>
/// Sub-models in a field, in an array and in a list; a parameter of its own; a tensor field that is a constant, not a
/// parameter; a scalar hyper-parameter.
/// </summary>
[Model]
public partial class Network
{
    private readonly Dense _input;
    private readonly List<Dense> _spare = [];
    private readonly int _notAParameter = 3;
    private readonly Tensor _mix;

    public Network(Random random)
    {
        _input = new Dense(random, 3, 4);
        Hidden = [new Dense(random, 4, 4), new Dense(random, 4, 2)];
        OutputScale = UserOps.Random(random, 2);
        _mix = UserOps.Random(random, 2, 2);
    }

    public Dense[] Hidden { get; }

    public Parameter OutputScale { get; }

    public int Unrelated => _notAParameter + _spare.Count;

    /// <summary>The loss of a batch, with a scalar hyper-parameter that gets a gradient too.</summary>
    [Differentiable]
    public double Loss([NoDiff] Tensor x, [NoDiff] Tensor target, double temperature)
    {
        var h = _input.Forward(x);
        for (int i = 0; i < Hidden.Length; i++)
        {
            h = Hidden[i].Forward(h);
        }

        var scaled = UserOps.Affine(UserOps.Scale(h, temperature), _mix, OutputScale);
        return UserOps.SquaredError(scaled, target);
    }

    /// <summary>The same loss, written with foreach over the layers.</summary>
    [Differentiable]
    public double LossOverLayers([NoDiff] Tensor x, [NoDiff] Tensor target, double temperature)
    {
        var h = _input.Forward(x);
        foreach (var layer in Hidden)
        {
            h = layer.Forward(h);
        }

        return UserOps.SquaredError(UserOps.Affine(UserOps.Scale(h, temperature), _mix, OutputScale), target);
    }
}
