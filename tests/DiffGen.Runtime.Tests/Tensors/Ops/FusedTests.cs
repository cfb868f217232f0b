using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

/// <summary>Fused forms compute exactly what the chains they replace compute, and have correct rules.</summary>
public class FusedTests
{
    private static readonly int[][] AShapes = [[4, 5], [3, 4], [2, 3, 4]];

    // A dense layer's bias (the row-wise path), then other broadcasts (the general path).
    private static readonly int[][] BShapes = [[5], [3, 1], [4]];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string activation in new[] { "Relu", "Tanh", "Sigmoid" })
        {
            for (int shape = 0; shape < AShapes.Length; shape++)
            {
                data.Add(activation, shape);
            }
        }

        return data;
    }

    private static (Func<Tensor, Tensor> Activation, Func<Tensor, Tensor, Tensor> Fused, TensorGradCheck.Backward Rule) Of(string activation) => activation switch
    {
        "Relu" => (Relu, AddRelu, (g, r, x, d) => AddReluBackward(g, r, x[0], x[1], d[0], d[1])),
        "Tanh" => (Tanh, AddTanh, (g, r, x, d) => AddTanhBackward(g, r, x[0], x[1], d[0], d[1])),
        _ => (Sigmoid, AddSigmoid, (g, r, x, d) => AddSigmoidBackward(g, r, x[0], x[1], d[0], d[1])),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_fused_form_equals_the_activation_of_the_sum(string activation, int shape)
    {
        var (act, fused, _) = Of(activation);
        var a = AwayFromZero(1, AShapes[shape]);
        var b = Random(2, BShapes[shape], -0.05, 0.05);

        Assert.Equal(act(Add(a, b)).Doubles.ToArray(), fused(a, b).Doubles.ToArray());
        Assert.Equal(act(Add(F32(a), F32(b))).Floats.ToArray(), fused(F32(a), F32(b)).Floats.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_fused_rule_matches_finite_differences(string activation, int shape)
    {
        var (_, fused, rule) = Of(activation);

        // For ReLU, a + b stays at least 0.05 from its kink, far beyond the finite-difference step.
        var a = AwayFromZero(3, AShapes[shape]);
        var b = Random(4, BShapes[shape], -0.05, 0.05);

        TensorGradCheck.Check(v => fused(v[0], v[1]), rule, [a, b]);
    }
}
