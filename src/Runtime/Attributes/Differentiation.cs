namespace DiffGen;

/// <summary>
/// Helpers that <see cref="DifferentiableAttribute">[Differentiable]</see> code calls to steer differentiation.
/// Written for <c>using static DiffGen.Differentiation;</c>.
/// </summary>
public static class Differentiation
{
    /// <summary>
    /// Returns <paramref name="value"/> unchanged, with a zero derivative: the generator propagates no gradient
    /// through this call. Use it to say that a value is a constant on purpose (a target, a stop-gradient, the
    /// result of <c>Math.Floor</c>).
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="value"/>.</returns>
    public static T WithoutDerivative<T>(T value) => value;
}
