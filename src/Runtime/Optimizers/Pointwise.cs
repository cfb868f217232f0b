using System.Numerics;

namespace DiffGen;

/// <summary>Element operations computed the way PyTorch's CPU kernels compute them, so that results match to the bit where they can.</summary>
internal static class Pointwise
{
    /// <summary>
    /// PyTorch's <c>lerp(start, end, weight)</c>: <c>start + weight·(end − start)</c> for |weight| &lt; 0.5, otherwise
    /// <c>end − (end − start)·(1 − weight)</c>. Mathematically <c>(1 − weight)·start + weight·end</c>.
    /// </summary>
    public static T Lerp<T>(T start, T end, T weight)
        where T : IFloatingPointIeee754<T>
        => T.Abs(weight) < T.CreateTruncating(0.5)
            ? start + (weight * (end - start))
            : end - ((end - start) * (T.One - weight));
}
