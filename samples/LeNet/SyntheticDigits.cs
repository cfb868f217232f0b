using System;

namespace DiffGen.Samples.LeNet;

/// <summary>
/// A built-in stand-in for MNIST: the digits of a 5×7 pixel font, drawn into 28×28 images at a random size, slant,
/// rotation and position, with random ink and noise. Images are in <c>[0, 1]</c> (ink is 1), shaped
/// <c>[n, 1, 28, 28]</c> like <c>Mnist.LoadTest(folder, ImageLayout.ChannelsRowsColumns)</c>, so the same network
/// and loop train on either.
/// </summary>
internal static class SyntheticDigits
{
    private const int Side = 28;
    private const int GlyphWidth = 5;
    private const int GlyphHeight = 7;

    // The classic 5×7 font, one string of '#' and '.' per row.
    private static readonly string[][] Glyphs =
    [
        [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
        ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
    ];

    /// <summary>Draws <paramref name="count"/> digits, classes in turn (balanced), each at a random pose.</summary>
    /// <param name="count">The number of images.</param>
    /// <param name="seed">The seed: the same seed gives the same images.</param>
    /// <returns>Images <c>[count, 1, 28, 28]</c> (Float32) and class indices <c>[count]</c>.</returns>
    public static Dataset Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(seed);
        float[] pixels = new float[count * Side * Side];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int digit = i % 10;
            labels[i] = digit;
            Draw(Glyphs[digit], random, pixels.AsSpan(i * Side * Side, Side * Side));
        }

        return new Dataset(Tensor.FromArray(pixels, count, 1, Side, Side), labels);
    }

    private static void Draw(string[] glyph, Random random, Span<float> image)
    {
        // The pose: a glyph pixel becomes `scale` image pixels; rotated, slanted and moved off-centre.
        double scale = 2.3 + 1.1 * random.NextDouble();
        double angle = 0.25 * (2 * random.NextDouble() - 1);
        double slant = 0.3 * (2 * random.NextDouble() - 1);
        double centerX = Side / 2.0 + 3 * (2 * random.NextDouble() - 1);
        double centerY = Side / 2.0 + 3 * (2 * random.NextDouble() - 1);
        double ink = 0.6 + 0.4 * random.NextDouble();
        double noise = 0.15 * random.NextDouble();
        double cos = Math.Cos(angle), sin = Math.Sin(angle);

        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                // Image pixel → glyph coordinates: undo the move, the rotation, the slant and the scale.
                double dx = x + 0.5 - centerX, dy = y + 0.5 - centerY;
                double rx = cos * dx + sin * dy, ry = -sin * dx + cos * dy;
                double u = (rx - slant * ry) / scale + GlyphWidth / 2.0 - 0.5;
                double v = ry / scale + GlyphHeight / 2.0 - 0.5;
                double value = ink * Bilinear(glyph, u, v) + noise * random.NextDouble();
                image[y * Side + x] = (float)Math.Clamp(value, 0, 1);
            }
        }
    }

    // The font bitmap as a smooth function: bilinear between pixel centres, 0 outside.
    private static double Bilinear(string[] glyph, double u, double v)
    {
        int u0 = (int)Math.Floor(u), v0 = (int)Math.Floor(v);
        double fu = u - u0, fv = v - v0;
        return (1 - fu) * (1 - fv) * At(glyph, u0, v0) + fu * (1 - fv) * At(glyph, u0 + 1, v0)
             + (1 - fu) * fv * At(glyph, u0, v0 + 1) + fu * fv * At(glyph, u0 + 1, v0 + 1);
    }

    private static double At(string[] glyph, int u, int v) =>
        u is >= 0 and < GlyphWidth && v is >= 0 and < GlyphHeight && glyph[v][u] == '#' ? 1 : 0;
}
