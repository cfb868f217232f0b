using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

/// <summary>Linear: PyTorch's dense layer, input·weightᵀ + bias with the weight stored [out, in].</summary>
public class LinearTests
{
    public static TheoryData<int[], bool> Cases() => new()
    {
        { [1, 7], true },       // a batch of one: the GEMM's unpacked row path
        { [5, 7], true },
        { [5, 7], false },
        { [2, 3, 7], true },    // leading dimensions are batch dimensions
    };

    private static double[] Reference(Tensor x, Tensor w, Tensor? b)
    {
        int inputs = w.Size(1), outputs = w.Size(0), rows = x.Length / inputs;
        var y = new double[rows * outputs];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = b is null ? 0 : b.Doubles[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += x.Doubles[(r * inputs) + i] * w.Doubles[(o * inputs) + i];
                }

                y[(r * outputs) + o] = sum;
            }
        }

        return y;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Linear_matches_the_product_with_the_transposed_weight(int[] inputShape, bool withBias)
    {
        var x = Random(1, inputShape);
        var w = Random(2, [4, 7]);
        var b = withBias ? Random(3, [4]) : null;

        var y = Linear(x, w, b);

        int[] expectedShape = [.. inputShape[..^1], 4];
        AssertValues(Reference(x, w, b), expectedShape, y);
        AssertAgrees(y, Linear(F32(x), F32(w), b is null ? null : F32(b)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Linear_backward_matches_finite_differences(int[] inputShape, bool withBias)
    {
        var x = Random(4, inputShape);
        var w = Random(5, [4, 7]);
        if (withBias)
        {
            TensorGradCheck.Check(v => Linear(v[0], v[1], v[2]), (g, r, v, d) => LinearBackward(g, r, v[0], v[1], v[2], d[0], d[1], d[2]), [x, w, Random(6, [4])]);
        }
        else
        {
            TensorGradCheck.Check(v => Linear(v[0], v[1], null), (g, r, v, d) => LinearBackward(g, r, v[0], v[1], null, d[0], d[1], null), [x, w]);
        }
    }

    [Fact]
    public void A_weight_that_does_not_fit_names_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Linear(Tensor.Zeros(DType.Float64, 2, 3), Tensor.Zeros(DType.Float64, 4, 5), null));

        Assert.StartsWith("Linear: the input [2, 3] does not fit the weight [4, 5]", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>LinearRelu: the fused form of Relu(Linear(...)).</summary>
public class LinearReluTests
{
    [Fact]
    public void LinearRelu_equals_Relu_of_Linear()
    {
        var x = Random(7, [5, 7]);
        var w = Random(8, [4, 7]);
        var b = Random(9, [4]);

        Assert.Equal(Relu(Linear(x, w, b)).Doubles.ToArray(), LinearRelu(x, w, b).Doubles.ToArray());
    }

    [Fact]
    public void LinearRelu_backward_matches_finite_differences()
    {
        // Weights of one sign and positive inputs keep every pre-activation at least 0.7 from ReLU's kink.
        var x = Random(10, [3, 4], 0.5, 1);
        var w = Random(11, [2, 4], 0.5, 1);
        var b = Tensor.FromArray(new double[] { -0.3, 0.2 }, 2);
        var negativeW = Random(12, [2, 4], -1, -0.5);

        TensorGradCheck.Check(v => LinearRelu(v[0], v[1], v[2]), (g, r, v, d) => LinearReluBackward(g, r, v[0], v[1], v[2], d[0], d[1], d[2]), [x, w, b]);
        TensorGradCheck.Check(v => LinearRelu(v[0], v[1], null), (g, r, v, d) => LinearReluBackward(g, r, v[0], v[1], null, d[0], d[1], null), [x, negativeW]);
    }
}
