using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

/// <summary>Fused forms compute exactly what the chains they replace compute, and have correct rules.</summary>
public class FusedTests
{
    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { [4, 5], [5] },        // a dense layer's bias: the row-wise path
        { [3, 4], [3, 1] },     // any other broadcast: the general path
        { [2, 3, 4], [4] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AddRelu_equals_Relu_of_the_sum(int[] aShape, int[] bShape)
    {
        var a = AwayFromZero(1, aShape);
        var b = Random(2, bShape, -0.5, 0.5);

        Assert.Equal(Relu(Add(a, b)).Doubles.ToArray(), AddRelu(a, b).Doubles.ToArray());
        Assert.Equal(Relu(Add(F32(a), F32(b))).Floats.ToArray(), AddRelu(F32(a), F32(b)).Floats.ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AddRelu_backward_matches_finite_differences(int[] aShape, int[] bShape)
    {
        // Inputs away from the kink: a + b = a stays at least 0.1 from zero, far beyond the finite-difference step.
        var a = AwayFromZero(3, aShape);
        var b = Tensor.Zeros(DType.Float64, bShape);

        TensorGradCheck.Check(v => AddRelu(v[0], v[1]), (g, r, x, d) => AddReluBackward(g, r, x[0], x[1], d[0], d[1]), [a, b]);
    }
}
