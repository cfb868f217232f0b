using System;

namespace DiffGen;

/// <summary>
/// The differentiable tensor operations, written for <c>using static DiffGen.TensorMath;</c>: element-wise arithmetic
/// with broadcasting, activations, reductions, matrix products and shape operations. Each operation has its backward
/// rule next to it, declared with <see cref="DerivativeOfAttribute"/> (see <c>docs/tensors.md</c>).
/// </summary>
/// <remarks>
/// <para>
/// Every operation returns a new tensor created with <see cref="Tensor.Empty"/> (recycled inside a
/// <see cref="TensorArena"/> scope), except <see cref="Reshape(Tensor, int)"/> and <see cref="Flatten"/>, which return views.
/// Operands must have the same element type (<see cref="DType.Float32"/> or <see cref="DType.Float64"/>); a wrong
/// shape or mixed element types throw an <see cref="ArgumentException"/> naming the operation and the shapes.
/// </para>
/// <para>
/// A backward rule adds the operation's share of the gradient into the gradient tensors it is given and skips those
/// that are <see langword="null"/>; the generator calls them, and so can hand-written code.
/// </para>
/// </remarks>
public static partial class TensorMath
{
}
