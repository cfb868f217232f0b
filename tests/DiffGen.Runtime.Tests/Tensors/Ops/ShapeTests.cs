using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class ShapeTests
{
    /// <summary>Swaps two axes by hand: element [.., i, .., j, ..] of the result is element [.., j, .., i, ..] of x.</summary>
    private static double[] ReferenceTranspose(Tensor x, int axis0, int axis1, out int[] shape)
    {
        axis0 = axis0 < 0 ? axis0 + x.Rank : axis0;
        axis1 = axis1 < 0 ? axis1 + x.Rank : axis1;
        shape = x.Shape.ToArray();
        (shape[axis0], shape[axis1]) = (shape[axis1], shape[axis0]);
        var result = new double[x.Length];
        for (int flat = 0; flat < x.Length; flat++)
        {
            int[] index = Unravel(flat, shape);
            (index[axis0], index[axis1]) = (index[axis1], index[axis0]);
            result[flat] = x[index];
        }

        return result;
    }

    [Theory]
    [InlineData(new[] { 3, 5 }, 0, 1)]
    [InlineData(new[] { 40, 37 }, 0, 1)]
    [InlineData(new[] { 2, 3, 4 }, 0, 2)]
    [InlineData(new[] { 2, 3, 4 }, 1, 2)]
    [InlineData(new[] { 2, 3, 4 }, -1, -3)]
    [InlineData(new[] { 2, 3, 4, 2 }, 1, 3)]
    [InlineData(new[] { 2, 3 }, 1, 1)]
    public void Transpose_matches_a_reference(int[] shape, int axis0, int axis1)
    {
        var x = Random(1, shape);
        AssertValues(ReferenceTranspose(x, axis0, axis1, out int[] resultShape), resultShape, Transpose(x, axis0, axis1));
        AssertAgrees(Transpose(x, axis0, axis1), Transpose(F32(x), axis0, axis1));
    }

    [Theory]
    [InlineData(new[] { 3, 5 }, 0, 1)]
    [InlineData(new[] { 2, 3, 4 }, 0, 2)]
    [InlineData(new[] { 2, 3, 4 }, 2, 1)]
    [InlineData(new[] { 2, 3 }, 0, 0)]
    public void Transpose_rule_matches_finite_differences(int[] shape, int axis0, int axis1) =>
        TensorGradCheck.Check(v => Transpose(v[0], axis0, axis1), (g, r, v, d) => TransposeBackward(g, r, v[0], axis0, axis1, d[0]), [Random(2, shape)]);

    [Fact]
    public void Transpose_of_a_matrix_matches_a_reference_and_finite_differences()
    {
        var x = Random(3, [3, 4]);
        AssertValues(ReferenceTranspose(x, 0, 1, out int[] shape), shape, Transpose(x));
        TensorGradCheck.Check(v => Transpose(v[0]), (g, r, v, d) => TransposeBackward(g, r, v[0], d[0]), [x]);
        var ex = Assert.Throws<ArgumentException>(() => Transpose(Tensor.Zeros(DType.Float64, 2, 3, 4)));
        Assert.StartsWith("Transpose: Transpose(x) needs a matrix (rank 2); x has shape [2, 3, 4].", ex.Message);
    }

    [Fact]
    public void Reshape_and_Flatten_are_views_with_the_same_elements()
    {
        var x = Random(4, [2, 3, 4]);
        var r = Reshape(x, 6, -1);
        Assert.Equal([6, 4], r.Shape.ToArray());
        Assert.Equal(x.Doubles.ToArray(), r.Doubles.ToArray());
        Assert.Equal([24], Reshape(x, -1).Shape.ToArray());
        Assert.Equal([4, 3, 2], Reshape(x, 4, 3, 2).Shape.ToArray());
        Assert.Equal([1, 2, 3, 4], Reshape(x, 1, 2, 3, 4).Shape.ToArray());
        Assert.Equal([24], Flatten(x).Shape.ToArray());
        Assert.Equal([2, 12], Flatten(x, 1).Shape.ToArray());
        Assert.Equal([2, 3, 4], Flatten(x, -1).Shape.ToArray());
        Assert.Equal([1], Flatten(Tensor.Scalar(2, DType.Float64)).Shape.ToArray());
        r.Doubles[0] = 42;
        Assert.Equal(42, x.Doubles[0]);
        var ex = Assert.Throws<ArgumentException>(() => Reshape(x, 5, 5));
        Assert.StartsWith("Reshape: shape [5, 5] has 25 elements; the tensor of shape [2, 3, 4] has 24.", ex.Message);
    }

    [Fact]
    public void Reshape_and_Flatten_rules_match_finite_differences()
    {
        Tensor[] x = [Random(5, [2, 3, 2])];
        TensorGradCheck.Check(v => Reshape(v[0], -1), (g, r, v, d) => ReshapeBackward(g, r, v[0], -1, d[0]), x);
        TensorGradCheck.Check(v => Reshape(v[0], 3, 4), (g, r, v, d) => ReshapeBackward(g, r, v[0], 3, 4, d[0]), x);
        TensorGradCheck.Check(v => Reshape(v[0], 2, 2, 3), (g, r, v, d) => ReshapeBackward(g, r, v[0], 2, 2, 3, d[0]), x);
        TensorGradCheck.Check(v => Reshape(v[0], 1, 2, 2, 3), (g, r, v, d) => ReshapeBackward(g, r, v[0], 1, 2, 2, 3, d[0]), x);
        TensorGradCheck.Check(v => Flatten(v[0], 1), (g, r, v, d) => FlattenBackward(g, r, v[0], 1, d[0]), x);
    }

    /// <summary>Concatenation by hand: element [.., j, ..] of the result comes from the part that covers j along the axis.</summary>
    private static double[] ReferenceConcat(int axis, out int[] shape, params Tensor[] parts)
    {
        axis = axis < 0 ? axis + parts[0].Rank : axis;
        shape = parts[0].Shape.ToArray();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        int length = shape.Aggregate(1, (p, s) => p * s);
        var result = new double[length];
        for (int flat = 0; flat < length; flat++)
        {
            int[] index = Unravel(flat, shape);
            int part = 0;
            while (index[axis] >= parts[part].Shape[axis])
            {
                index[axis] -= parts[part].Shape[axis];
                part++;
            }

            result[flat] = parts[part][index];
        }

        return result;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void Concat_matches_a_reference_and_finite_differences(int axis)
    {
        int[] Sized(int size)
        {
            int[] shape = [2, 3, 2];
            shape[axis < 0 ? axis + 3 : axis] = size;
            return shape;
        }

        var a = Random(6, Sized(2));
        var b = Random(7, Sized(1));
        var c = Random(8, Sized(3));
        AssertValues(ReferenceConcat(axis, out int[] two, a, b), two, Concat(a, b, axis));
        AssertValues(ReferenceConcat(axis, out int[] three, a, b, c), three, Concat(a, b, c, axis));
        AssertAgrees(Concat(a, b, c, axis), Concat(F32(a), F32(b), F32(c), axis));
        TensorGradCheck.Check(v => Concat(v[0], v[1], axis), (g, r, v, d) => ConcatBackward(g, r, v[0], v[1], axis, d[0], d[1]), [a, b]);
        TensorGradCheck.Check(v => Concat(v[0], v[1], v[2], axis), (g, r, v, d) => ConcatBackward(g, r, v[0], v[1], v[2], axis, d[0], d[1], d[2]), [a, b, c]);
        TensorGradCheck.Check(v => Concat(v[0], v[1], v[2], axis), (g, r, v, d) => ConcatBackward(g, r, v[0], v[1], v[2], axis, d[0], d[1], d[2]), [a, b, c], 1, 1);
    }

    [Fact]
    public void Concat_accepts_an_empty_part()
    {
        var a = Random(9, [2, 3]);
        var empty = Tensor.Zeros(DType.Float64, 2, 0);
        AssertValues(a.Doubles.ToArray(), [2, 3], Concat(a, empty, 1));
        AssertValues(a.Doubles.ToArray(), [2, 3], Concat(empty, a, 1));
    }

    [Fact]
    public void Concat_shape_errors_name_both_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Concat(Tensor.Zeros(DType.Float64, 2, 3), Tensor.Zeros(DType.Float64, 4, 5), 0));
        Assert.Equal("Concat: shapes differ outside axis 0: [2, 3] and [4, 5].", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Concat(Tensor.Zeros(DType.Float64, 2, 3), Tensor.Zeros(DType.Float64, 2, 3), Tensor.Zeros(DType.Float64, 6), 0));
        Assert.Equal("Concat: ranks differ: [2, 3] and [6].", ex.Message);
    }
}
