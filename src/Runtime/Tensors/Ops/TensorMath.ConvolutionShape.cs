using System;

namespace DiffGen;

/// <summary>
/// The geometry of one 2-D convolution (NCHW), checked once where the operation is called: sizes, strides,
/// paddings, dilations, groups and the output size.
/// </summary>
internal readonly struct Conv2dShape
{
    public int Batch { get; init; }

    public int Channels { get; init; }

    public int Height { get; init; }

    public int Width { get; init; }

    public int OutChannels { get; init; }

    public int KernelHeight { get; init; }

    public int KernelWidth { get; init; }

    public int StrideHeight { get; init; }

    public int StrideWidth { get; init; }

    public int PaddingHeight { get; init; }

    public int PaddingWidth { get; init; }

    public int DilationHeight { get; init; }

    public int DilationWidth { get; init; }

    public int Groups { get; init; }

    public int OutHeight { get; init; }

    public int OutWidth { get; init; }

    /// <summary>Input channels per group.</summary>
    public int GroupChannels => Channels / Groups;

    /// <summary>Output channels per group.</summary>
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>The length of one dot product: rows of the column matrix per group (<c>C/groups * kH * kW</c>).</summary>
    public int GroupDepth => GroupChannels * KernelHeight * KernelWidth;

    /// <summary>Rows of an image's column matrix, all groups (<c>C * kH * kW</c>).</summary>
    public int Depth => Channels * KernelHeight * KernelWidth;

    /// <summary>Output pixels per channel (<c>Hout * Wout</c>): the columns of the column matrix.</summary>
    public int Pixels => OutHeight * OutWidth;

    /// <summary>Elements of one input image (<c>C * H * W</c>).</summary>
    public int ImageLength => Channels * Height * Width;

    /// <summary>Elements of one output image (<c>Cout * Hout * Wout</c>).</summary>
    public int OutImageLength => OutChannels * OutHeight * OutWidth;

    /// <summary>
    /// Whether the column matrix of an image is the image itself (a 1 x 1 kernel, stride 1, no padding), so that no
    /// im2col copy is needed.
    /// </summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PaddingHeight == 0 && PaddingWidth == 0;

    /// <summary>Multiply-adds of the forward product, for the choice to run images in parallel.</summary>
    public long MultiplyAdds => (long)Batch * OutChannels * Pixels * GroupDepth;

    /// <summary>Checks the arguments of a convolution and computes its output size.</summary>
    public static Conv2dShape Of(
        string op, Tensor input, Tensor weight, Tensor? bias,
        int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"{op}: the input must have shape [N, C, H, W]; it has shape {input.ShapeText()}.", nameof(input));
        }

        if (weight.Rank != 4)
        {
            throw new ArgumentException($"{op}: the weight must have shape [Cout, C/groups, kH, kW]; it has shape {weight.ShapeText()}.", nameof(weight));
        }

        if (weight.DType != input.DType)
        {
            throw new ArgumentException($"{op}: the input is {input.DType} and the weight {weight.DType}; convert one with To(...).", nameof(weight));
        }

        CheckPositive(op, strideHeight, nameof(strideHeight), "stride");
        CheckPositive(op, strideWidth, nameof(strideWidth), "stride");
        CheckPositive(op, dilationHeight, nameof(dilationHeight), "dilation");
        CheckPositive(op, dilationWidth, nameof(dilationWidth), "dilation");
        CheckPositive(op, groups, nameof(groups), "groups");
        if (paddingHeight < 0 || paddingWidth < 0)
        {
            throw new ArgumentOutOfRangeException(paddingHeight < 0 ? nameof(paddingHeight) : nameof(paddingWidth), $"{op}: padding must be 0 or more; it is {paddingHeight} x {paddingWidth}.");
        }

        var i = input.Shape;
        var w = weight.Shape;
        int channels = i[1];
        int outChannels = w[0];
        if (channels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"{op}: groups {groups} must divide the input channels and the output channels; input {input.ShapeText()} has {channels}, weight {weight.ShapeText()} has {outChannels}.", nameof(groups));
        }

        if (w[1] * groups != channels)
        {
            throw new ArgumentException(
                $"{op}: weight {weight.ShapeText()} takes {w[1]} input channels per group ({groups} group{(groups == 1 ? string.Empty : "s")}), so the input needs {w[1] * groups} channels; input {input.ShapeText()} has {channels}.",
                nameof(input));
        }

        if (bias is not null)
        {
            if (bias.DType != input.DType)
            {
                throw new ArgumentException($"{op}: the input is {input.DType} and the bias {bias.DType}; convert one with To(...).", nameof(bias));
            }

            if (bias.Rank != 1 || bias.Shape[0] != outChannels)
            {
                throw new ArgumentException($"{op}: the bias must have shape [{outChannels}], one value per output channel of weight {weight.ShapeText()}; it has shape {bias.ShapeText()}.", nameof(bias));
            }
        }

        long extentHeight = (long)dilationHeight * (w[2] - 1) + 1;
        long extentWidth = (long)dilationWidth * (w[3] - 1) + 1;
        long paddedHeight = i[2] + 2L * paddingHeight;
        long paddedWidth = i[3] + 2L * paddingWidth;
        if (w[2] == 0 || w[3] == 0 || extentHeight > paddedHeight || extentWidth > paddedWidth)
        {
            throw new ArgumentException(
                $"{op}: the kernel {w[2]} x {w[3]} (dilation {dilationHeight} x {dilationWidth}: it spans {extentHeight} x {extentWidth}) does not fit in the padded input {paddedHeight} x {paddedWidth} (input {input.ShapeText()}, padding {paddingHeight} x {paddingWidth}).",
                nameof(weight));
        }

        return new Conv2dShape
        {
            Batch = i[0],
            Channels = channels,
            Height = i[2],
            Width = i[3],
            OutChannels = outChannels,
            KernelHeight = w[2],
            KernelWidth = w[3],
            StrideHeight = strideHeight,
            StrideWidth = strideWidth,
            PaddingHeight = paddingHeight,
            PaddingWidth = paddingWidth,
            DilationHeight = dilationHeight,
            DilationWidth = dilationWidth,
            Groups = groups,
            OutHeight = (int)((paddedHeight - extentHeight) / strideHeight + 1),
            OutWidth = (int)((paddedWidth - extentWidth) / strideWidth + 1),
        };
    }

    /// <summary>Checks the tensors a backward rule receives against the shape of the forward call.</summary>
    public void CheckBackward(string op, Tensor gradient, Tensor input, Tensor weight, Tensor? bias, Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ReadOnlySpan<int> outShape = [Batch, OutChannels, OutHeight, OutWidth];
        Conv2dChecks.Gradient(op, nameof(gradient), gradient, outShape, input.DType);
        Conv2dChecks.Gradient(op, nameof(dinput), dinput, input.Shape, input.DType);
        Conv2dChecks.Gradient(op, nameof(dweight), dweight, weight.Shape, input.DType);
        if (dbias is not null)
        {
            if (bias is null)
            {
                throw new ArgumentException($"{op}: a bias gradient was given for a null bias.", nameof(dbias));
            }

            Conv2dChecks.Gradient(op, nameof(dbias), dbias, bias.Shape, input.DType);
        }
    }

    private static void CheckPositive(string op, int value, string name, string what)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{op}: {what} must be 1 or more; it is {value}.");
        }
    }
}

/// <summary>Argument checks shared by the convolutional-network operations.</summary>
internal static class Conv2dChecks
{
    /// <summary>Checks that a gradient tensor, when given, has the expected shape and element type.</summary>
    public static void Gradient(string op, string name, Tensor? gradient, ReadOnlySpan<int> shape, DType dtype)
    {
        if (gradient is null)
        {
            return;
        }

        if (!gradient.HasShape(shape))
        {
            throw new ArgumentException($"{op}: {name} must have shape {Tensor.ShapeText(shape)}; it has shape {gradient.ShapeText()}.", name);
        }

        if (gradient.DType != dtype)
        {
            throw new ArgumentException($"{op}: {name} must be {dtype}; it is {gradient.DType}.", name);
        }
    }
}
