using System;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// Random initial values for parameters: uniform, normal, Kaiming (He) and Xavier (Glorot), as PyTorch's
/// <c>torch.nn.init</c>, reproducible from a seed.
/// </summary>
/// <remarks>
/// <para>
/// Each initialiser comes in two forms: one creates a tensor (<c>Init.KaimingUniform(DType.Float32, seed: 1, 128, 784)</c>),
/// the other fills an existing one in place, like PyTorch's functions with a trailing underscore
/// (<c>Init.KaimingUniform(weight, seed: 1)</c>). Values are drawn in row-major order.
/// </para>
/// <para>
/// The random numbers are DiffGen's own (xoshiro256** seeded through SplitMix64, the generator of the data pipeline),
/// not <see cref="Random"/>, whose sequence for a seed may change between .NET versions. Uniform values use only
/// integer and basic floating-point arithmetic, so a seed gives the same values, bit for bit, on every .NET version,
/// operating system and processor. Normal values use the Box-Muller transform, which calls <see cref="Math.Log(double)"/>,
/// <see cref="Math.Sin"/> and <see cref="Math.Cos"/>; .NET takes these from the platform's math library, so across
/// operating systems a value may differ in its last bit. A <see cref="DType.Float32"/> tensor gets the
/// <see cref="DType.Float64"/> values of the same seed, rounded to <see cref="float"/>.
/// </para>
/// <para>
/// The same seed always gives the same values; give each parameter its own seed.
/// </para>
/// <code>
/// var w1 = new Parameter(Init.KaimingUniform(DType.Float32, seed: 1, 128, 784));   // [out, in]
/// var w2 = new Parameter(Init.XavierNormal(DType.Float32, seed: 2, 10, 128));
/// </code>
/// </remarks>
public static class Init
{
    /// <summary>
    /// The fan-in and fan-out of a weight of shape <c>[out, in, k1, k2, ...]</c>, as PyTorch computes them: with
    /// <c>r = k1 · k2 · ...</c> (1 for a matrix), fan-in is <c>in · r</c> and fan-out is <c>out · r</c>. A linear
    /// layer's <c>[out, in]</c> weight has fans <c>(in, out)</c>; a convolution's <c>[out, in, kh, kw]</c> weight has
    /// <c>(in · kh · kw, out · kh · kw)</c>.
    /// </summary>
    /// <param name="shape">The weight's shape, rank 2 or more.</param>
    /// <returns>The fan-in and the fan-out.</returns>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static (int FanIn, int FanOut) Fans(params ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException($"Init.Fans: shape {Tensor.ShapeText(shape)} has fewer than 2 dimensions; fan-in and fan-out are defined for weights of shape [out, in, ...].", nameof(shape));
        }

        long receptive = 1;
        for (int i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }

        return (checked((int)(shape[1] * receptive)), checked((int)(shape[0] * receptive)));
    }

    /// <summary>A tensor of values drawn uniformly from <c>[low, high)</c>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, excluded; at least <paramref name="low"/> (equal gives a constant tensor).</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="high"/> &lt; <paramref name="low"/>.</exception>
    public static Tensor Uniform(DType dtype, double low, double high, long seed, params ReadOnlySpan<int> shape)
    {
        var tensor = Tensor.Zeros(dtype, shape);
        Uniform(tensor, low, high, seed);
        return tensor;
    }

    /// <summary>Fills <paramref name="tensor"/> with values drawn uniformly from <c>[low, high)</c> (PyTorch's <c>uniform_</c>).</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, excluded; at least <paramref name="low"/> (equal gives a constant tensor).</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="high"/> &lt; <paramref name="low"/>.</exception>
    public static void Uniform(Tensor tensor, double low, double high, long seed)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!double.IsFinite(low) || !double.IsFinite(high) || high < low)
        {
            throw new ArgumentException($"Init.Uniform: the bounds [{Text(low)}, {Text(high)}) must be finite with low <= high.", nameof(high));
        }

        FillUniform(tensor, low, high, seed);
    }

    /// <summary>A tensor of values drawn from the normal distribution with mean <paramref name="mean"/> and standard deviation <paramref name="std"/>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation, 0 or more.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException"><paramref name="mean"/> is not finite, or <paramref name="std"/> is negative or not finite.</exception>
    public static Tensor Normal(DType dtype, double mean, double std, long seed, params ReadOnlySpan<int> shape)
    {
        var tensor = Tensor.Zeros(dtype, shape);
        Normal(tensor, mean, std, seed);
        return tensor;
    }

    /// <summary>Fills <paramref name="tensor"/> with values drawn from the normal distribution with mean <paramref name="mean"/> and standard deviation <paramref name="std"/> (PyTorch's <c>normal_</c>).</summary>
    /// <param name="tensor">The tensor to overwrite.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation, 0 or more.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <exception cref="ArgumentException"><paramref name="mean"/> is not finite, or <paramref name="std"/> is negative or not finite.</exception>
    public static void Normal(Tensor tensor, double mean, double std, long seed)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!double.IsFinite(mean) || !double.IsFinite(std) || std < 0)
        {
            throw new ArgumentException($"Init.Normal: mean {Text(mean)} must be finite and std {Text(std)} finite and not negative.", nameof(std));
        }

        FillNormal(tensor, mean, std, seed);
    }

    /// <summary>
    /// A weight drawn uniformly from <c>[-bound, bound)</c> with <c>bound = sqrt(2) · sqrt(3 / fan_in)</c>: Kaiming (He)
    /// initialisation for layers followed by ReLU, as PyTorch's <c>kaiming_uniform_</c> with its defaults
    /// (<c>a = 0</c>, <c>mode = 'fan_in'</c>). The values have variance <c>2 / fan_in</c>.
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="shape">The shape, <c>[out, in, ...]</c> (see <see cref="Fans"/>).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static Tensor KaimingUniform(DType dtype, long seed, params ReadOnlySpan<int> shape)
    {
        var tensor = Tensor.Zeros(dtype, shape);
        KaimingUniform(tensor, seed);
        return tensor;
    }

    /// <summary>
    /// Fills a weight with values drawn uniformly from <c>[-bound, bound)</c>, <c>bound = gain · sqrt(3 / fan)</c>,
    /// where <c>gain = sqrt(2 / (1 + a²))</c> is the gain of a leaky ReLU of negative slope <paramref name="a"/>
    /// (<c>sqrt(2)</c>, that of ReLU, for the default <c>a = 0</c>) and <c>fan</c> is the fan-in or the fan-out of
    /// <see cref="Fans"/>. As PyTorch's <c>kaiming_uniform_(tensor, a, mode)</c>.
    /// </summary>
    /// <param name="tensor">The weight to overwrite, shape <c>[out, in, ...]</c>.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="a">The negative slope of the leaky ReLU that follows the layer; 0 for ReLU.</param>
    /// <param name="mode">Scale by the fan-in (the default) or by the fan-out.</param>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions, or <paramref name="a"/> is not finite.</exception>
    public static void KaimingUniform(Tensor tensor, long seed, double a = 0, FanMode mode = FanMode.FanIn)
    {
        double std = KaimingStd(nameof(KaimingUniform), tensor, a, mode);
        double bound = Math.Sqrt(3.0) * std;
        FillUniform(tensor, -bound, bound, seed);
    }

    /// <summary>
    /// A weight drawn from the normal distribution with mean 0 and standard deviation <c>sqrt(2 / fan_in)</c>: Kaiming
    /// (He) initialisation for layers followed by ReLU, as PyTorch's <c>kaiming_normal_</c> with its defaults
    /// (<c>a = 0</c>, <c>mode = 'fan_in'</c>).
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="shape">The shape, <c>[out, in, ...]</c> (see <see cref="Fans"/>).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static Tensor KaimingNormal(DType dtype, long seed, params ReadOnlySpan<int> shape)
    {
        var tensor = Tensor.Zeros(dtype, shape);
        KaimingNormal(tensor, seed);
        return tensor;
    }

    /// <summary>
    /// Fills a weight with values drawn from the normal distribution with mean 0 and standard deviation
    /// <c>gain / sqrt(fan)</c>, where <c>gain = sqrt(2 / (1 + a²))</c> and <c>fan</c> is the fan-in or the fan-out of
    /// <see cref="Fans"/>. As PyTorch's <c>kaiming_normal_(tensor, a, mode)</c>.
    /// </summary>
    /// <param name="tensor">The weight to overwrite, shape <c>[out, in, ...]</c>.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="a">The negative slope of the leaky ReLU that follows the layer; 0 for ReLU.</param>
    /// <param name="mode">Scale by the fan-in (the default) or by the fan-out.</param>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions, or <paramref name="a"/> is not finite.</exception>
    public static void KaimingNormal(Tensor tensor, long seed, double a = 0, FanMode mode = FanMode.FanIn) =>
        FillNormal(tensor, 0, KaimingStd(nameof(KaimingNormal), tensor, a, mode), seed);

    /// <summary>
    /// A weight drawn uniformly from <c>[-bound, bound)</c> with <c>bound = sqrt(6 / (fan_in + fan_out))</c>: Xavier
    /// (Glorot) initialisation, as PyTorch's <c>xavier_uniform_</c> with gain 1.
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="shape">The shape, <c>[out, in, ...]</c> (see <see cref="Fans"/>).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static Tensor XavierUniform(DType dtype, long seed, params ReadOnlySpan<int> shape)
    {
        var tensor = Tensor.Zeros(dtype, shape);
        XavierUniform(tensor, seed);
        return tensor;
    }

    /// <summary>
    /// Fills a weight with values drawn uniformly from <c>[-bound, bound)</c>,
    /// <c>bound = gain · sqrt(6 / (fan_in + fan_out))</c> (PyTorch's <c>xavier_uniform_</c>).
    /// </summary>
    /// <param name="tensor">The weight to overwrite, shape <c>[out, in, ...]</c>.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="gain">The scale factor; 1 by default.</param>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions, or <paramref name="gain"/> is negative or not finite.</exception>
    public static void XavierUniform(Tensor tensor, long seed, double gain = 1)
    {
        double bound = Math.Sqrt(3.0) * XavierStd(nameof(XavierUniform), tensor, gain);
        FillUniform(tensor, -bound, bound, seed);
    }

    /// <summary>
    /// A weight drawn from the normal distribution with mean 0 and standard deviation
    /// <c>sqrt(2 / (fan_in + fan_out))</c>: Xavier (Glorot) initialisation, as PyTorch's <c>xavier_normal_</c> with gain 1.
    /// </summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="shape">The shape, <c>[out, in, ...]</c> (see <see cref="Fans"/>).</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static Tensor XavierNormal(DType dtype, long seed, params ReadOnlySpan<int> shape)
    {
        var tensor = Tensor.Zeros(dtype, shape);
        XavierNormal(tensor, seed);
        return tensor;
    }

    /// <summary>
    /// Fills a weight with values drawn from the normal distribution with mean 0 and standard deviation
    /// <c>gain · sqrt(2 / (fan_in + fan_out))</c> (PyTorch's <c>xavier_normal_</c>).
    /// </summary>
    /// <param name="tensor">The weight to overwrite, shape <c>[out, in, ...]</c>.</param>
    /// <param name="seed">The seed: the same seed gives the same values.</param>
    /// <param name="gain">The scale factor; 1 by default.</param>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions, or <paramref name="gain"/> is negative or not finite.</exception>
    public static void XavierNormal(Tensor tensor, long seed, double gain = 1) =>
        FillNormal(tensor, 0, XavierStd(nameof(XavierNormal), tensor, gain), seed);

    private static double KaimingStd(string initialiser, Tensor tensor, double a, FanMode mode)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!double.IsFinite(a))
        {
            throw new ArgumentException($"Init.{initialiser}: the negative slope a = {Text(a)} must be finite.", nameof(a));
        }

        if (mode is not (FanMode.FanIn or FanMode.FanOut))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Init.{initialiser}: mode must be FanMode.FanIn or FanMode.FanOut.");
        }

        var (fanIn, fanOut) = FansOf(initialiser, tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        return fan == 0 ? 0 : gain / Math.Sqrt(fan);
    }

    private static double XavierStd(string initialiser, Tensor tensor, double gain)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!double.IsFinite(gain) || gain < 0)
        {
            throw new ArgumentException($"Init.{initialiser}: gain {Text(gain)} must be finite and not negative.", nameof(gain));
        }

        var (fanIn, fanOut) = FansOf(initialiser, tensor);
        return fanIn + fanOut == 0 ? 0 : gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut));
    }

    private static (int FanIn, int FanOut) FansOf(string initialiser, Tensor tensor)
    {
        if (tensor.Rank < 2)
        {
            throw new ArgumentException($"Init.{initialiser}: the tensor has shape {tensor.ShapeText()}; fan-in and fan-out are defined for weights of shape [out, in, ...] (rank 2 or more).", nameof(tensor));
        }

        return Fans(tensor.Shape);
    }

    private static void FillUniform(Tensor tensor, double low, double high, long seed)
    {
        var random = new SeededRandom(seed, RandomStreams.Init);
        if (tensor.DType == DType.Float32)
        {
            var values = tensor.Floats;
            float below = MathF.BitDecrement((float)high);
            for (int i = 0; i < values.Length; i++)
            {
                // Rounding can reach high itself (in double, or in float); such a value becomes the largest one below.
                float value = (float)random.NextDouble(low, high);
                values[i] = value < high || low == high ? value : below;
            }
        }
        else
        {
            var values = tensor.Doubles;
            double below = Math.BitDecrement(high);
            for (int i = 0; i < values.Length; i++)
            {
                double value = random.NextDouble(low, high);
                values[i] = value < high || low == high ? value : below;
            }
        }
    }

    private static void FillNormal(Tensor tensor, double mean, double std, long seed)
    {
        var random = new SeededRandom(seed, RandomStreams.Init);
        if (tensor.DType == DType.Float32)
        {
            var values = tensor.Floats;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(mean + std * random.NextGaussian());
            }
        }
        else
        {
            var values = tensor.Doubles;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = mean + std * random.NextGaussian();
            }
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
