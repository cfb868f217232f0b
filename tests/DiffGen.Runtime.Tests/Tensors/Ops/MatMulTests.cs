using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class MatMulTests
{
    /// <summary>The product by triple loops, with a batch dimension of 1 for matrices and a shared right matrix for rank-2 <paramref name="b"/>.</summary>
    private static double[] Reference(Tensor a, Tensor b)
    {
        int batch = a.Rank == 3 ? a.Size(0) : 1;
        int m = a.Size(-2);
        int k = a.Size(-1);
        int n = b.Size(-1);
        var c = new double[batch * m * n];
        for (int s = 0; s < batch; s++)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double x = a.Rank == 3 ? a[s, i, p] : a[i, p];
                        double y = b.Rank == 3 ? b[s, p, j] : b[p, j];
                        sum += x * y;
                    }

                    c[(s * m + i) * n + j] = sum;
                }
            }
        }

        return c;
    }

    public static TheoryData<int[], int[], int[]> Shapes => new()
    {
        { [2, 3], [3, 4], [2, 4] },
        { [1, 5], [5, 1], [1, 1] },
        { [3, 2, 4], [3, 4, 5], [3, 2, 5] },
        { [2, 3, 4], [4, 2], [2, 3, 2] },
        { [2, 0], [0, 3], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMul_matches_triple_loops_and_finite_differences(int[] aShape, int[] bShape, int[] resultShape)
    {
        var a = Random(1, aShape);
        var b = Random(2, bShape);
        AssertValues(Reference(a, b), resultShape, MatMul(a, b));
        AssertValues(Reference(a, b), resultShape, a.MatMul(b));
        AssertAgrees(MatMul(a, b), MatMul(F32(a), F32(b)));
        TensorGradCheck.Check(v => MatMul(v[0], v[1]), (g, r, v, d) => MatMulBackward(g, r, v[0], v[1], d[0], d[1]), [a, b]);
        TensorGradCheck.Check(v => v[0].MatMul(v[1]), (g, r, v, d) => Tensor.MatMulBackward(g, r, v[0], v[1], d[0], d[1]), [a, b], 1, 0);
    }

    [Fact]
    public void The_float32_backward_agrees_with_float64()
    {
        var a = Random(3, [2, 3, 4]);
        var b = Random(4, [4, 5]);
        var g = Random(5, [2, 3, 5]);
        var da = Tensor.Zeros(DType.Float64, 2, 3, 4);
        var db = Tensor.Zeros(DType.Float64, 4, 5);
        var da32 = Tensor.Zeros(DType.Float32, 2, 3, 4);
        var db32 = Tensor.Zeros(DType.Float32, 4, 5);
        MatMulBackward(g, MatMul(a, b), a, b, da, db);
        MatMulBackward(F32(g), MatMul(F32(a), F32(b)), F32(a), F32(b), da32, db32);
        AssertAgrees(da, da32);
        AssertAgrees(db, db32);
    }

    [Fact]
    public void A_product_large_enough_to_run_on_several_threads_matches_triple_loops()
    {
        var a = Random(6, [64, 128]);
        var b = Random(7, [128, 72]);
        AssertValues(Reference(a, b), [64, 72], MatMul(a, b), 1e-12);
        AssertValues(Reference(a, b), [64, 72], MatMul(F32(a), F32(b)), 1e-4);
    }

    [Fact]
    public void Shape_errors_name_the_operation_and_both_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => MatMul(Tensor.Zeros(DType.Float64, 2, 3), Tensor.Zeros(DType.Float64, 4, 5)));
        Assert.Equal("MatMul: inner dimensions differ: [2, 3] and [4, 5]", ex.Message.TrimEnd('.'));
        ex = Assert.Throws<ArgumentException>(() => MatMul(Tensor.Zeros(DType.Float64, 2, 3, 4), Tensor.Zeros(DType.Float64, 3, 4, 5)));
        Assert.Equal("MatMul: batch sizes differ: [2, 3, 4] and [3, 4, 5].", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => MatMul(Tensor.Zeros(DType.Float64, 3), Tensor.Zeros(DType.Float64, 3, 4)));
        Assert.Equal("MatMul: expects [m, k] x [k, n], [b, m, k] x [b, k, n] or [b, m, k] x [k, n]; got [3] and [3, 4].", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => MatMul(Tensor.Zeros(DType.Float32, 2, 3), Tensor.Zeros(DType.Float64, 3, 4)));
        Assert.StartsWith("MatMul: element types differ: Float32 [2, 3] and Float64 [3, 4]", ex.Message);
    }
}
