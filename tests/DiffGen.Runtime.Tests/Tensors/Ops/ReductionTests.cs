using DiffGen.Runtime.Tests.Support;
using static DiffGen.Runtime.Tests.Tensors.Ops.OpTesting;
using static DiffGen.TensorMath;

namespace DiffGen.Runtime.Tests.Tensors.Ops;

public class ReductionTests
{
    /// <summary>A reduction along an axis by hand: the values of each slice, reduced by <paramref name="reduce"/>.</summary>
    private static double[] ReferenceAlong(Tensor x, int axis, Func<List<double>, double> reduce, out int[] shape, bool keepDim)
    {
        axis = axis < 0 ? axis + x.Rank : axis;
        var full = x.Shape.ToArray();
        var kept = (int[])full.Clone();
        kept[axis] = 1;
        shape = keepDim ? kept : full.Where((_, i) => i != axis).ToArray();
        int count = kept.Aggregate(1, (p, s) => p * s);
        var result = new double[count];
        for (int flat = 0; flat < count; flat++)
        {
            int[] index = Unravel(flat, kept);
            var slice = new List<double>();
            for (int j = 0; j < full[axis]; j++)
            {
                index[axis] = j;
                slice.Add(x[index]);
            }

            result[flat] = reduce(slice);
        }

        return result;
    }

    public static TheoryData<int[], int> Axes => new()
    {
        { [2, 3, 4], 0 },
        { [2, 3, 4], 1 },
        { [2, 3, 4], 2 },
        { [2, 3, 4], -1 },
        { [5], 0 },
        { [3, 1], 1 },
        { [1, 4], 0 },
    };

    [Fact]
    public void Sum_and_Mean_of_all_elements_are_scalar_tensors_with_the_reference_value()
    {
        var x = Random(1, [3, 4]);
        double sum = x.Doubles.ToArray().Sum();
        AssertValues([sum], [], Sum(x));
        AssertValues([sum / 12], [], Mean(x));
        AssertAgrees(Sum(x), Sum(F32(x)));
        AssertAgrees(Mean(x), Mean(F32(x)));
        Assert.Equal(0, Sum(Tensor.Zeros(DType.Float64, 0, 3)).Item());
        TensorGradCheck.Check(v => Sum(v[0]), (g, r, v, d) => SumBackward(g, r, v[0], d[0]), [x]);
        TensorGradCheck.Check(v => Mean(v[0]), (g, r, v, d) => MeanBackward(g, r, v[0], d[0]), [x]);
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void Sum_and_Mean_along_an_axis_match_a_reference_and_finite_differences(int[] shape, int axis)
    {
        var x = Random(2, shape);
        foreach (bool keepDim in new[] { false, true })
        {
            AssertValues(ReferenceAlong(x, axis, s => s.Sum(), out int[] sumShape, keepDim), sumShape, Sum(x, axis, keepDim));
            AssertValues(ReferenceAlong(x, axis, s => s.Average(), out int[] meanShape, keepDim), meanShape, Mean(x, axis, keepDim));
            AssertAgrees(Sum(x, axis, keepDim), Sum(F32(x), axis, keepDim));
            AssertAgrees(Mean(x, axis, keepDim), Mean(F32(x), axis, keepDim));
            TensorGradCheck.Check(v => Sum(v[0], axis, keepDim), (g, r, v, d) => SumBackward(g, r, v[0], axis, keepDim, d[0]), [x]);
            TensorGradCheck.Check(v => Mean(v[0], axis, keepDim), (g, r, v, d) => MeanBackward(g, r, v[0], axis, keepDim, d[0]), [x]);
        }
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void Max_along_an_axis_matches_a_reference_and_finite_differences(int[] shape, int axis)
    {
        var x = Distinct(3, shape);
        foreach (bool keepDim in new[] { false, true })
        {
            AssertValues(ReferenceAlong(x, axis, s => s.Max(), out int[] maxShape, keepDim), maxShape, Max(x, axis, keepDim));
            AssertAgrees(Max(x, axis, keepDim), Max(F32(x), axis, keepDim));
            TensorGradCheck.Check(v => Max(v[0], axis, keepDim), (g, r, v, d) => MaxBackward(g, r, v[0], axis, keepDim, d[0]), [x]);
        }

        var indices = ReferenceAlong(x, axis, s => s.IndexOf(s.Max()), out _, keepDim: false);
        Assert.Equal(indices.Select(i => (int)i).ToArray(), ArgMax(x, axis));
        Assert.Equal(indices.Select(i => (int)i).ToArray(), ArgMax(F32(x), axis));
    }

    [Fact]
    public void Max_of_all_elements_matches_the_reference_and_finite_differences()
    {
        var x = Distinct(4, [3, 4]);
        AssertValues([x.Doubles.ToArray().Max()], [], Max(x));
        Assert.Equal(Array.IndexOf(x.Doubles.ToArray(), x.Doubles.ToArray().Max()), ArgMax(x));
        TensorGradCheck.Check(v => Max(v[0]), (g, r, v, d) => MaxBackward(g, r, v[0], d[0]), [x]);
    }

    [Fact]
    public void Ties_go_to_the_first_maximum_in_ArgMax_and_in_the_rule()
    {
        var x = Of([1, 3, 3, 2, 5, 5], 2, 3);
        Assert.Equal(4, ArgMax(x));
        Assert.Equal(1, ArgMax(Of([1, 3, 3, 2], 4)));
        Assert.Equal([1, 1], ArgMax(x, 1));
        Assert.Equal([1, 1, 1], ArgMax(x, 0));
        var dx = Tensor.Zeros(DType.Float64, 2, 3);
        MaxBackward(Of([10, 20], 2), Max(x, 1), x, 1, false, dx);
        Assert.Equal([0.0, 10, 0, 0, 20, 0], dx.Doubles.ToArray());
        dx.Clear();
        MaxBackward(Tensor.Scalar(7, DType.Float64), Max(x), x, dx);
        Assert.Equal([0.0, 0, 0, 0, 7, 0], dx.Doubles.ToArray());
    }

    [Fact]
    public void ArgMax_writes_into_a_span_and_rejects_a_wrong_length()
    {
        var x = Of([1, 9, 3, 8, 5, 6], 2, 3);
        Span<int> indices = stackalloc int[2];
        ArgMax(x, -1, indices);
        Assert.Equal([1, 0], indices.ToArray());
        var ex = Assert.Throws<ArgumentException>(() => ArgMax(x, 1, new int[3]));
        Assert.StartsWith("ArgMax: the destination has 3 elements; a tensor of shape [2, 3] along axis 1 has 2 slices.", ex.Message);
    }

    [Fact]
    public void Max_of_an_empty_tensor_throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Max(Tensor.Zeros(DType.Float64, 0)));
        Assert.StartsWith("Max: the tensor of shape [0] is empty.", ex.Message);
        Assert.Throws<ArgumentException>(() => Max(Tensor.Zeros(DType.Float64, 2, 0), 1));
    }
}
