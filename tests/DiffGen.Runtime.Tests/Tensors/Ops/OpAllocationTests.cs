using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class OpAllocationTests
{
    /// <summary>A forward and backward pass through every kind of operation, as generated code would run it.</summary>
    private static void Step(Tensor x, Tensor w, Tensor bias)
    {
        using (TensorArena.Enter())
        {
            var h = MatMul(x, w) + bias;                                  // [4, 6]
            var a = Gelu(h) * 0.5 - Relu(h) / 2.0;
            var t = Tanh(a) + Sigmoid(a) * LeakyRelu(a);
            var c = Concat(t, Transpose(Transpose(t)), 1);                 // [4, 12]
            var r = Reshape(c, 2, 24);
            var s = Softmax(r, -1) + LogSoftmax(r, 0) + Exp(Pow(Abs(r), 2.0));
            var m = Mean(Sum(s, 1, true)) + Max(s) + Max(s, 0).Reshape(1, 24);

            var g = Tensor.Zeros(x.DType, m.Shape);
            g.Fill(1);
            var ds = Tensor.Zeros(x.DType, s.Shape);
            var dr = Tensor.Zeros(x.DType, r.Shape);
            var dh = Tensor.Zeros(x.DType, h.Shape);
            var dw = Tensor.Zeros(x.DType, w.Shape);
            var db = Tensor.Zeros(x.DType, bias.Shape);
            var sum = Sum(s, 1, true);
            MeanBackward(Tensor.Ones(x.DType, ReadOnlySpan<int>.Empty), Mean(sum), sum, Tensor.Zeros(x.DType, sum.Shape));
            SumBackward(Tensor.Ones(x.DType, sum.Shape), sum, s, 1, true, ds);
            MaxBackward(Tensor.Ones(x.DType, 24), Max(s, 0), s, 0, false, ds);
            MaxBackward(Tensor.Ones(x.DType, ReadOnlySpan<int>.Empty), Max(s), s, ds);
            SoftmaxBackward(ds, Softmax(r, -1), r, -1, dr);
            LogSoftmaxBackward(ds, LogSoftmax(r, 0), r, 0, dr);
            var pr = Pow(r, 2.0);
            double dp = 0;
            PowBackward(ds, pr, r, 2.0, dr, ref dp);
            ConcatBackward(Reshape(dr, 4, 12), c, t, t, 1, dh, dh);
            var dh2 = Tensor.Zeros(x.DType, h.Shape);
            TransposeBackward(Transpose(dh), Transpose(h), h, dh2);
            GeluBackward(dh, Gelu(h), h, dh2);
            LeakyReluBackward(dh, LeakyRelu(h), h, 0.01, dh2, ref dp);
            MultiplyBackward(dh, h * h, h, h, dh2, dh2);
            DivideBackward(dh, h / 2.0, h, 2.0, dh2, ref dp);
            AddBackward(dh, h, MatMul(x, w), bias, dh2, db);
            MatMulBackward(dh2, MatMul(x, w), x, w, null, dw);
            Softmax(Sum(a * bias, 0, false), 0);
            ArgMax(s, 1, stackalloc int[2]);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void A_repeated_step_allocates_nothing_after_the_first(DType dtype)
    {
        var x = Random(1, [4, 8]).To(dtype);
        var w = Random(2, [8, 6]).To(dtype);
        var bias = Random(3, [6]).To(dtype);

        // Warm up past tiered compilation: code that is still being instrumented may allocate.
        for (int i = 0; i < 200; i++)
        {
            Step(x, w, bias);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            Step(x, w, bias);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Rules_skip_null_gradients()
    {
        var x = Random(4, [2, 3]);
        var g = Tensor.Ones(DType.Float64, 2, 3);
        double d = 0;
        ExpBackward(g, Exp(x), x, null);
        LogBackward(g, Log(Abs(x)), Abs(x), null);
        SqrtBackward(g, Sqrt(Abs(x)), Abs(x), null);
        AbsBackward(g, Abs(x), x, null);
        TanhBackward(g, Tanh(x), x, null);
        SigmoidBackward(g, Sigmoid(x), x, null);
        ReluBackward(g, Relu(x), x, null);
        LeakyReluBackward(g, LeakyRelu(x), x, 0.01, null, ref d);
        GeluBackward(g, Gelu(x), x, null);
        SoftmaxBackward(g, Softmax(x, 1), x, 1, null);
        LogSoftmaxBackward(g, LogSoftmax(x, 0), x, 0, null);
        SumBackward(Tensor.Ones(DType.Float64, 3), Sum(x, 0), x, 0, false, null);
        MeanBackward(Tensor.Ones(DType.Float64, 2), Mean(x, 1), x, 1, false, null);
        MaxBackward(Tensor.Ones(DType.Float64, 2), Max(x, 1), x, 1, false, null);
        MatMulBackward(Tensor.Ones(DType.Float64, 2, 2), MatMul(x, Transpose(x)), x, Transpose(x), null, null);
        TransposeBackward(Transpose(g), Transpose(x), x, null);
        ReshapeBackward(Reshape(g, 6), Reshape(x, 6), x, 6, null);
        FlattenBackward(Flatten(g), Flatten(x), x, 0, null);
        ConcatBackward(Concat(g, g, 0), Concat(x, x, 0), x, x, 0, null, null);
        DivideBackward(g, Divide(x, x), x, x, null, null);
        PowBackward(g, Pow(Abs(x), x), Abs(x), x, null, null);
        NegateBackward(g, -x, x, null);
        Assert.True(double.IsFinite(d));
    }
}
