using System.ComponentModel;
using System.Numerics.Tensors;

namespace DiffGen;

// Fused forms: chains the generator replaces by one operation where the intermediate is used for nothing else.
public static partial class TensorMath
{
    /// <summary>
    /// <c>Relu(a + b)</c> in one pass and one buffer: the bias add of a dense layer and its activation. The generator
    /// calls it for <c>Relu(a + b)</c> and <c>Relu(Add(a, b))</c> (see <see cref="FusedFormAttribute"/>).
    /// </summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, broadcast against <paramref name="a"/> (a bias row).</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="System.ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    [FusedForm(typeof(Tensor), "op_Addition", nameof(Relu))]
    [FusedForm(nameof(Add), nameof(Relu))]
    public static Tensor AddRelu(Tensor a, Tensor b)
    {
        if (a.Rank == 2 && b.Rank == 1 && b.Length == a.Size(1) && a.DType == b.DType)
        {
            // The dense-layer case: each row gets the bias and the activation while it is in the L1 cache.
            var result = Tensor.Empty(a.DType, a.Shape);
            int columns = a.Size(1);
            if (ElementwiseOps.IsFloat32(a))
            {
                var x = a.Floats;
                var bias = b.Floats;
                var y = result.Floats;
                for (int row = 0; row < x.Length; row += columns)
                {
                    var line = y.Slice(row, columns);
                    TensorPrimitives.Add(x.Slice(row, columns), bias, line);
                    TensorPrimitives.Max(line, 0f, line);
                }
            }
            else
            {
                var x = a.Doubles;
                var bias = b.Doubles;
                var y = result.Doubles;
                for (int row = 0; row < x.Length; row += columns)
                {
                    var line = y.Slice(row, columns);
                    TensorPrimitives.Add(x.Slice(row, columns), bias, line);
                    TensorPrimitives.Max(line, 0d, line);
                }
            }

            return result;
        }

        var sum = Add(a, b);
        if (ElementwiseOps.IsFloat32(sum))
        {
            TensorPrimitives.Max(sum.Floats, 0f, sum.Floats);
        }
        else
        {
            TensorPrimitives.Max(sum.Doubles, 0d, sum.Doubles);
        }

        return sum;
    }

    /// <summary>
    /// The backward rule of <see cref="AddRelu"/>: the upstream gradient where the result is positive, summed over the
    /// dimensions each operand was broadcast along.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(AddRelu))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddReluBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        OpChecks.BinaryBackward(nameof(AddRelu), gradient, result, a, b, da, db);
        if (da is null && db is null)
        {
            return;
        }

        // The result is positive exactly where a + b is, so the mask comes from the result.
        var masked = Tensor.Zeros(gradient.DType, gradient.Shape);
        ElementwiseOps.AccumulateTerm<ElementKernels.ReluGradient<float>, ElementKernels.ReluGradient<double>>(result, gradient, 0, masked);
        ElementwiseOps.AccumulateReduced(masked, da, subtract: false);
        ElementwiseOps.AccumulateReduced(masked, db, subtract: false);
    }
}
