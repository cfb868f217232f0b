namespace DiffGen.Runtime.Tests.Tensors.Convolution;

/// <summary>Direct loops in double precision, written from the definitions, to check the fast kernels against.</summary>
internal static class Reference
{
    public readonly record struct ConvParams(int StrideH, int StrideW, int PadH, int PadW, int DilH, int DilW, int Groups)
    {
        public static ConvParams Square(int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
            new(stride, stride, padding, padding, dilation, dilation, groups);
    }

    public static (int OutH, int OutW) ConvOutput(int h, int w, int kh, int kw, ConvParams p) =>
        ((h + 2 * p.PadH - p.DilH * (kh - 1) - 1) / p.StrideH + 1, (w + 2 * p.PadW - p.DilW * (kw - 1) - 1) / p.StrideW + 1);

    /// <summary>y[n, o, i, j] = b[o] + Σ x[n, g·Cg + c, i·s − p + ki·d, j·s − p + kj·d] · w[o, c, ki, kj].</summary>
    public static double[] Conv2d(Tensor x, Tensor w, Tensor? b, ConvParams p)
    {
        var (n, c, h, wd) = (x.Size(0), x.Size(1), x.Size(2), x.Size(3));
        var (co, cg, kh, kw) = (w.Size(0), w.Size(1), w.Size(2), w.Size(3));
        var (oh, ow) = ConvOutput(h, wd, kh, kw, p);
        int og = co / p.Groups;
        var y = new double[n * co * oh * ow];
        for (int ni = 0; ni < n; ni++)
        for (int o = 0; o < co; o++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sum = b is null ? 0 : b[o];
            int group = o / og;
            for (int ci = 0; ci < cg; ci++)
            for (int ki = 0; ki < kh; ki++)
            for (int kj = 0; kj < kw; kj++)
            {
                int ih = i * p.StrideH - p.PadH + ki * p.DilH;
                int iw = j * p.StrideW - p.PadW + kj * p.DilW;
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                {
                    sum += x[ni, group * cg + ci, ih, iw] * w[o, ci, ki, kj];
                }
            }

            y[((ni * co + o) * oh + i) * ow + j] = sum;
        }

        return y;
    }

    /// <summary>The three gradients of Σ dy ⊙ conv(x, w, b), by the same loops.</summary>
    public static (double[] Dx, double[] Dw, double[] Db) Conv2dBackward(Tensor dy, Tensor x, Tensor w, ConvParams p)
    {
        var (n, c, h, wd) = (x.Size(0), x.Size(1), x.Size(2), x.Size(3));
        var (co, cg, kh, kw) = (w.Size(0), w.Size(1), w.Size(2), w.Size(3));
        var (oh, ow) = (dy.Size(2), dy.Size(3));
        int og = co / p.Groups;
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[co];
        for (int ni = 0; ni < n; ni++)
        for (int o = 0; o < co; o++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double g = dy[ni, o, i, j];
            db[o] += g;
            int group = o / og;
            for (int ci = 0; ci < cg; ci++)
            for (int ki = 0; ki < kh; ki++)
            for (int kj = 0; kj < kw; kj++)
            {
                int ih = i * p.StrideH - p.PadH + ki * p.DilH;
                int iw = j * p.StrideW - p.PadW + kj * p.DilW;
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                {
                    int xc = group * cg + ci;
                    dw[((o * cg + ci) * kh + ki) * kw + kj] += g * x[ni, xc, ih, iw];
                    dx[((ni * c + xc) * h + ih) * wd + iw] += g * w[o, ci, ki, kj];
                }
            }
        }

        return (dx, dw, db);
    }

    /// <summary>Max (first on ties) or mean over each window; padding is never the maximum and counts in the mean when asked.</summary>
    public static double[] Pool(Tensor x, int k, int s, int p, bool max, bool countIncludePad = true)
    {
        var (n, c, h, w) = (x.Size(0), x.Size(1), x.Size(2), x.Size(3));
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        var y = new double[n * c * oh * ow];
        for (int ni = 0; ni < n; ni++)
        for (int ci = 0; ci < c; ci++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double best = double.NegativeInfinity, sum = 0;
            int count = 0;
            for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++)
            {
                int ih = i * s - p + ki, iw = j * s - p + kj;
                if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                {
                    double v = x[ni, ci, ih, iw];
                    best = Math.Max(best, v);
                    sum += v;
                    count++;
                }
            }

            y[((ni * c + ci) * oh + i) * ow + j] = max ? best : sum / (countIncludePad ? k * k : count);
        }

        return y;
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
