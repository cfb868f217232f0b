using DiffGen.Kernels;
using DiffGen.Runtime.Tests.Kernels;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Convolution;

[Collection(nameof(AllocationMeasurements))]
public class ConvolutionAllocationTests
{
    [Fact]
    public void A_LeNet_step_in_an_arena_allocates_nothing_after_the_first_on_any_thread()
    {
        var random = new Random(1);
        var x = Support.TensorGradCheck.Random([64, 1, 28, 28], random).To(DType.Float32);
        var w1 = Support.TensorGradCheck.Random([6, 1, 5, 5], random).To(DType.Float32);
        var b1 = Tensor.Zeros(6);
        var w2 = Support.TensorGradCheck.Random([16, 6, 5, 5], random).To(DType.Float32);
        var gamma = Tensor.Ones(16);
        var beta = Tensor.Zeros(16);
        var bn = new BatchNormState(16);
        var dw1 = Tensor.Zeros(w1.Shape);
        var db1 = Tensor.Zeros(b1.Shape);
        var dw2 = Tensor.Zeros(w2.Shape);
        var dgamma = Tensor.Zeros(16);
        var dbeta = Tensor.Zeros(16);

        for (int i = 0; i < 30; i++)
        {
            Step(i);
        }

        Thread.Sleep(2);
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long helpersBefore = GemmWorkers.HelperAllocatedBytes;
        for (int i = 0; i < 5; i++)
        {
            Step(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
        Assert.Equal(0, GemmWorkers.HelperAllocatedBytes - helpersBefore);

        void Step(int step)
        {
            using (TensorArena.Enter())
            {
                // Forward: conv 1->6 (pad 2), max pool, conv 6->16, batch norm, avg pool, dropout.
                var c1 = Conv2d(x, w1, b1, padding: 2);
                var p1 = MaxPool2d(c1, 2);
                var c2 = Conv2d(p1, w2, null);
                var n2 = BatchNorm2d(c2, gamma, beta, bn, training: true);
                var p2 = AvgPool2d(n2, 2);
                var d = Dropout(p2, 0.5, training: true, seed: step);

                // Backward, from a gradient of ones.
                var gd = Tensor.Empty(DType.Float32, d.Shape);
                gd.Fill(1);
                var gp2 = Tensor.Zeros(DType.Float32, p2.Shape);
                DropoutBackward(gd, d, p2, 0.5, true, step, gp2);
                var gn2 = Tensor.Zeros(DType.Float32, n2.Shape);
                AvgPool2dBackward(gp2, p2, n2, 2, gn2);
                var gc2 = Tensor.Zeros(DType.Float32, c2.Shape);
                BatchNorm2dBackward(gn2, n2, c2, gamma, beta, bn, true, gc2, dgamma, dbeta);
                var gp1 = Tensor.Zeros(DType.Float32, p1.Shape);
                Conv2dBackward(gc2, c2, p1, w2, null, 1, 0, 1, gp1, dw2, null);
                var gc1 = Tensor.Zeros(DType.Float32, c1.Shape);
                MaxPool2dBackward(gp1, p1, c1, 2, gc1);
                Conv2dBackward(gc1, c1, x, w1, b1, 1, 2, 1, null, dw1, db1);
            }
        }
    }
}
