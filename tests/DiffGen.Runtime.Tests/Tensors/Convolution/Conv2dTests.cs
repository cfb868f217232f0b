using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Convolution.Reference;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Convolution;

public class Conv2dTests
{
    // "n c h w | cout kh kw | strideH strideW | padH padW | dilH dilW | groups | bias"
    public static TheoryData<string> Cases => new()
    {
        "2 3 5 5 | 4 3 3 | 1 1 | 0 0 | 1 1 | 1 | 1",     // plain 3 x 3
        "2 2 7 6 | 3 3 2 | 2 2 | 1 1 | 1 1 | 1 | 1",     // stride 2, padding, rectangular kernel, odd sizes
        "1 2 9 8 | 2 3 3 | 1 2 | 2 1 | 2 2 | 1 | 0",     // dilation, rectangular stride and padding, no bias
        "2 4 5 5 | 6 3 3 | 1 1 | 1 1 | 1 1 | 2 | 1",     // two groups
        "2 3 4 5 | 2 1 1 | 1 1 | 0 0 | 1 1 | 1 | 1",     // 1 x 1, stride 1: no im2col
        "2 3 5 5 | 4 1 1 | 2 2 | 0 0 | 1 1 | 1 | 0",     // 1 x 1, stride 2
        "1 1 3 3 | 1 3 3 | 1 1 | 0 0 | 1 1 | 1 | 1",     // kernel as large as the input
        "3 1 6 6 | 2 5 5 | 1 1 | 2 2 | 1 1 | 1 | 1",     // LeNet's first layer, small
        "2 6 4 4 | 6 2 2 | 3 3 | 2 2 | 1 1 | 6 | 0",     // depthwise, stride larger than the kernel
        "1 2 5 7 | 2 2 3 | 2 3 | 0 2 | 1 1 | 1 | 1",     // padding only in width
        "2 2 3 3 | 3 2 2 | 1 1 | 1 1 | 2 2 | 1 | 1",     // dilated kernel as wide as the padded input
        "2 2 9 12 | 3 3 3 | 2 1 | 1 0 | 1 1 | 1 | 1",    // whole-vector lines (Wout 10), padding rows only, stride 2 in height
        "1 2 8 21 | 2 2 3 | 1 1 | 0 0 | 1 2 | 1 | 0",    // lines of 17: several vectors and an overlapping last one
    };

    private sealed record Case(int N, int C, int H, int W, int Cout, int Kh, int Kw, ConvParams P, bool HasBias)
    {
        public static Case Parse(string text)
        {
            int[] v = text.Replace("|", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            return new Case(v[0], v[1], v[2], v[3], v[4], v[5], v[6], new ConvParams(v[7], v[8], v[9], v[10], v[11], v[12], v[13]), v[14] != 0);
        }

        public Tensor Conv(Tensor x, Tensor w, Tensor? b) =>
            TensorMath.Conv2d(x, w, b, P.StrideH, P.StrideW, P.PadH, P.PadW, P.DilH, P.DilW, P.Groups);

        public void Backward(Tensor g, Tensor r, Tensor x, Tensor w, Tensor? b, Tensor? dx, Tensor? dw, Tensor? db) =>
            Conv2dBackward(g, r, x, w, b, P.StrideH, P.StrideW, P.PadH, P.PadW, P.DilH, P.DilW, P.Groups, dx, dw, db);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_a_direct_convolution(string spec)
    {
        var k = Case.Parse(spec);
        var random = new Random(7);
        var x = TensorGradCheck.Random([k.N, k.C, k.H, k.W], random);
        var weight = TensorGradCheck.Random([k.Cout, k.C / k.P.Groups, k.Kh, k.Kw], random);
        var bias = k.HasBias ? TensorGradCheck.Random([k.Cout], random) : null;

        var y = k.Conv(x, weight, bias);

        var (oh, ow) = ConvOutput(k.H, k.W, k.Kh, k.Kw, k.P);
        Assert.Equal([k.N, k.Cout, oh, ow], y.Shape.ToArray());
        AssertClose(Conv2d(x, weight, bias, k.P), y.Doubles, 1e-13, "y");

        var yFloat = k.Conv(x.To(DType.Float32), weight.To(DType.Float32), bias?.To(DType.Float32));
        Assert.Equal(DType.Float32, yFloat.DType);
        AssertClose(Conv2d(x, weight, bias, k.P), yFloat.Floats, 1e-5, "y (float)");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_rule_matches_finite_differences(string spec)
    {
        var k = Case.Parse(spec);
        var random = new Random(11);
        var x = TensorGradCheck.Random([k.N, k.C, k.H, k.W], random);
        var weight = TensorGradCheck.Random([k.Cout, k.C / k.P.Groups, k.Kh, k.Kw], random);
        Tensor[] inputs = k.HasBias ? [x, weight, TensorGradCheck.Random([k.Cout], random)] : [x, weight];
        TensorGradCheck.Check(
            t => k.Conv(t[0], t[1], k.HasBias ? t[2] : null),
            (g, r, t, d) => k.Backward(g, r, t[0], t[1], k.HasBias ? t[2] : null, d[0], d[1], k.HasBias ? d[2] : null),
            inputs);
    }

    [Fact]
    public void The_square_overload_and_its_rule_use_one_stride_padding_and_dilation_in_both_directions()
    {
        var random = new Random(3);
        var x = TensorGradCheck.Random([2, 2, 7, 7], random);
        var weight = TensorGradCheck.Random([3, 2, 3, 3], random);
        var bias = TensorGradCheck.Random([3], random);
        AssertClose(Conv2d(x, weight, bias, ConvParams.Square(2, 1, 2)), Conv2d(x, weight, bias, stride: 2, padding: 1, dilation: 2).Doubles, 1e-13, "y");
        TensorGradCheck.Check(
            t => Conv2d(t[0], t[1], t[2], 2, 1, 2),
            (g, r, t, d) => Conv2dBackward(g, r, t[0], t[1], t[2], 2, 1, 2, d[0], d[1], d[2]),
            [x, weight, bias]);
    }

    [Fact]
    public void Only_the_wanted_gradients_are_computed()
    {
        var random = new Random(5);
        var x = TensorGradCheck.Random([2, 2, 5, 5], random);
        var weight = TensorGradCheck.Random([3, 2, 3, 3], random);
        var bias = TensorGradCheck.Random([3], random);
        TensorGradCheck.Check(
            t => Conv2d(t[0], t[1], t[2], 1, 1),
            (g, r, t, d) => Conv2dBackward(g, r, t[0], t[1], t[2], 1, 1, 1, d[0], d[1], d[2]),
            [x, weight, bias], seed: 1, constant: [0]);
        TensorGradCheck.Check(
            t => Conv2d(t[0], t[1], t[2], 1, 1),
            (g, r, t, d) => Conv2dBackward(g, r, t[0], t[1], t[2], 1, 1, 1, d[0], d[1], d[2]),
            [x, weight, bias], seed: 2, constant: [1, 2]);
    }

    // Batches large enough that the images are split across cores, each range with its own weight-gradient partial.
    [Theory]
    [InlineData(64, 1, 28, 28, 6, 5, 2)]      // LeNet's first layer
    [InlineData(64, 6, 14, 14, 16, 5, 0)]     // LeNet's second layer
    [InlineData(5, 3, 16, 16, 8, 3, 1)]       // an odd batch: ranges of different sizes
    [InlineData(3, 1, 20, 20, 3, 3, 0)]       // small-weight products (no GEMM), with leftover rows and elements
    [InlineData(2, 2, 20, 18, 5, 2, 1)]       // the same with a block of four output channels and one left over
    public void Large_batches_match_the_direct_loops_in_both_precisions(int n, int c, int h, int w, int cout, int k, int padding)
    {
        var random = new Random(13);
        var x = TensorGradCheck.Random([n, c, h, w], random);
        var weight = TensorGradCheck.Random([cout, c, k, k], random);
        var bias = TensorGradCheck.Random([cout], random);
        var p = ConvParams.Square(padding: padding);
        var expected = Conv2d(x, weight, bias, p);
        var y = Conv2d(x, weight, bias, padding: padding);
        var dy = TensorGradCheck.Random(y.Shape, random);
        var (dx, dw, db) = Conv2dBackward(dy, x, weight, p);

        AssertClose(expected, y.Doubles, 1e-12, "y");
        var dxActual = Tensor.Zeros(DType.Float64, x.Shape);
        var dwActual = Tensor.Zeros(DType.Float64, weight.Shape);
        var dbActual = Tensor.Zeros(DType.Float64, bias.Shape);
        Conv2dBackward(dy, y, x, weight, bias, 1, padding, 1, dxActual, dwActual, dbActual);
        AssertClose(dx, dxActual.Doubles, 1e-12, "dx");
        AssertClose(dw, dwActual.Doubles, 1e-11, "dw");
        AssertClose(db, dbActual.Doubles, 1e-11, "db");

        var xf = x.To(DType.Float32);
        var wf = weight.To(DType.Float32);
        var bf = bias.To(DType.Float32);
        var yf = Conv2d(xf, wf, bf, padding: padding);
        AssertClose(expected, yf.Floats, 1e-5, "y (float)");
        var dxf = Tensor.Zeros(DType.Float32, x.Shape);
        var dwf = Tensor.Zeros(DType.Float32, weight.Shape);
        var dbf = Tensor.Zeros(DType.Float32, bias.Shape);
        Conv2dBackward(dy.To(DType.Float32), yf, xf, wf, bf, 1, padding, 1, dxf, dwf, dbf);
        AssertClose(dx, dxf.Floats, 1e-5, "dx (float)");
        double sumScale = Math.Sqrt(n * h * w);  // dw and db sum n·Hout·Wout products: float error grows with the sum
        AssertClose(dw, dwf.Floats, 1e-6 * sumScale, "dw (float)");
        AssertClose(db, dbf.Floats, 1e-6 * sumScale, "db (float)");
    }

    [Fact]
    public void Results_do_not_depend_on_whether_the_helper_threads_are_free()
    {
        var random = new Random(17);
        var x = TensorGradCheck.Random([16, 3, 16, 16], random).To(DType.Float32);
        var weight = TensorGradCheck.Random([8, 3, 3, 3], random).To(DType.Float32);
        var y1 = Conv2d(x, weight, null, padding: 1);
        var dy = TensorGradCheck.Random(y1.Shape, random).To(DType.Float32);
        var dw1 = Tensor.Zeros(DType.Float32, weight.Shape);
        Conv2dBackward(dy, y1, x, weight, null, 1, 1, 1, null, dw1, null);

        // Keep the helpers busy on another thread while this one computes: it then runs every range itself.
        float[] a = new float[512 * 512], b = new float[512 * 512], c = new float[512 * 512];
        bool stop = false;
        var busy = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                DiffGen.Kernels.Gemm.Multiply(false, false, 512, 512, 512, 1f, a, 512, b, 512, 0f, c, 512);
            }
        });
        busy.Start();
        for (int i = 0; i < 20; i++)
        {
            var y2 = Conv2d(x, weight, null, padding: 1);
            var dw2 = Tensor.Zeros(DType.Float32, weight.Shape);
            Conv2dBackward(dy, y2, x, weight, null, 1, 1, 1, null, dw2, null);
            Assert.Equal(y1.Floats.ToArray(), y2.Floats.ToArray());
            Assert.Equal(dw1.Floats.ToArray(), dw2.Floats.ToArray());
        }

        Volatile.Write(ref stop, true);
        busy.Join();
    }

    [Fact]
    public void An_empty_batch_gives_an_empty_result_and_no_gradient()
    {
        var x = Tensor.Zeros(DType.Float32, 0, 2, 5, 5);
        var weight = Tensor.Ones(DType.Float32, 3, 2, 3, 3);
        var bias = Tensor.Ones(DType.Float32, 3);
        var y = Conv2d(x, weight, bias);
        Assert.Equal([0, 3, 3, 3], y.Shape.ToArray());
        var dw = Tensor.Zeros(DType.Float32, weight.Shape);
        var db = Tensor.Zeros(DType.Float32, 3);
        Conv2dBackward(y, y, x, weight, bias, 1, 0, 1, Tensor.Zeros(DType.Float32, x.Shape), dw, db);
        Assert.All(dw.Floats.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(db.Floats.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Mismatched_channels_name_the_operation_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(2, 3, 8, 8), Tensor.Zeros(4, 2, 3, 3), null));
        Assert.Contains("Conv2d", e.Message);
        Assert.Contains("[4, 2, 3, 3]", e.Message);
        Assert.Contains("[2, 3, 8, 8]", e.Message);
        Assert.Equal("input", e.ParamName);
    }

    [Fact]
    public void A_kernel_larger_than_the_padded_input_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(1, 1, 5, 5), null, padding: 0));
        Assert.Contains("Conv2d", e.Message);
        Assert.Contains("padded input 4 x 4", e.Message);
        Assert.Contains("[1, 1, 4, 4]", e.Message);

        var dilated = Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(1, 1, 6, 6), Tensor.Zeros(1, 1, 3, 3), null, dilation: 3));
        Assert.Contains("spans 7 x 7", dilated.Message);
    }

    [Fact]
    public void Wrong_ranks_bias_shapes_element_types_and_settings_are_rejected()
    {
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(3, 8, 8), Tensor.Zeros(4, 3, 3, 3), null)).Message);
        Assert.Contains("[Cout, C/groups, kH, kW]", Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 3, 3), null)).Message);
        var bias = Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(5)));
        Assert.Contains("[4]", bias.Message);
        Assert.Contains("[5]", bias.Message);
        Assert.Equal("bias", bias.ParamName);
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(DType.Float64, 4, 3, 3, 3), null)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 3, 3, 3), null, stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 3, 3, 3), null, padding: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 3, 3, 3), null, dilation: 0));
        var groups = Assert.Throws<ArgumentException>(() => Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(3, 2, 3, 3), null, 1, 1, 0, 0, 1, 1, 2));
        Assert.Contains("groups 2", groups.Message);
    }

    [Fact]
    public void The_rule_rejects_gradients_of_the_wrong_shape()
    {
        var x = Tensor.Zeros(1, 2, 5, 5);
        var weight = Tensor.Zeros(3, 2, 3, 3);
        var y = Conv2d(x, weight, null);
        var e = Assert.Throws<ArgumentException>(() => Conv2dBackward(Tensor.Zeros(1, 3, 5, 5), y, x, weight, null, 1, 0, 1, null, null, null));
        Assert.Contains("Conv2dBackward", e.Message);
        Assert.Contains("[1, 3, 3, 3]", e.Message);
        Assert.Contains("[1, 3, 5, 5]", e.Message);
        Assert.Throws<ArgumentException>(() => Conv2dBackward(y, y, x, weight, null, 1, 0, 1, null, Tensor.Zeros(3, 2, 2, 2), null));
    }
}
