using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class ExampleTests
{
    [Fact]
    public void The_example_of_the_operations_document_runs_and_gives_a_cross_entropy()
    {
        var x = Random(1, [4, 5]).To(DType.Float32);
        var w1 = Random(2, [5, 8]).To(DType.Float32);
        var b1 = Random(3, [8]).To(DType.Float32);
        var w2 = Random(4, [8, 3]).To(DType.Float32);
        var b2 = Random(5, [3]).To(DType.Float32);
        var oneHot = Tensor.FromArray(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0 }, 4, 3);

        // docs/tensor-operations.md
        Tensor hidden = Gelu(x.MatMul(w1) + b1);
        Tensor logProbabilities = LogSoftmax(MatMul(hidden, w2) + b2, -1);
        Tensor loss = -Mean(Sum(logProbabilities * oneHot, 1));
        int[] predicted = ArgMax(logProbabilities, 1);

        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            int label = i == 3 ? 0 : i;
            expected -= logProbabilities[i, label] / 4;
            Assert.InRange(predicted[i], 0, 2);
        }

        Assert.Equal([], loss.Shape.ToArray());
        Assert.Equal(expected, loss.Item(), 1e-6);
    }
}
