using System;
using System.IO;

namespace DiffGen;

/// <summary>
/// Loads MNIST (and same-format sets such as Fashion-MNIST) from a folder holding the standard file names, gzip-compressed
/// or not: 60,000 training and 10,000 test images of 28 × 28 pixels, scaled to <c>[0, 1]</c>, with class indices 0 to 9.
/// </summary>
/// <example>
/// <code>
/// Dataset test = Mnist.LoadTest("data/mnist");                 // features [10000, 784], labels [10000]
/// var (train, validation) = test.Split(8000, 2000);            // first 8,000 / last 2,000
/// var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 1);
/// </code>
/// </example>
public static class Mnist
{
    /// <summary>The standard name of the training images file.</summary>
    public const string TrainingImagesFileName = "train-images-idx3-ubyte.gz";

    /// <summary>The standard name of the training labels file.</summary>
    public const string TrainingLabelsFileName = "train-labels-idx1-ubyte.gz";

    /// <summary>The standard name of the test images file.</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte.gz";

    /// <summary>The standard name of the test labels file.</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte.gz";

    /// <summary>
    /// Loads the training set from <paramref name="folder"/>: <see cref="TrainingImagesFileName"/> and
    /// <see cref="TrainingLabelsFileName"/>, or the same names without <c>.gz</c>.
    /// </summary>
    /// <param name="folder">The folder with the files.</param>
    /// <param name="layout">The shape of the features. Default <see cref="ImageLayout.Flattened"/> (<c>[n, 784]</c>).</param>
    /// <returns>Features scaled to <c>[0, 1]</c> and class indices (<see cref="Dataset"/> explains how they are stored).</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is wrong, truncated or corrupt, or the counts differ.</exception>
    public static Dataset LoadTraining(string folder, ImageLayout layout = ImageLayout.Flattened) =>
        Load(Find(folder, TrainingImagesFileName, "training images"), Find(folder, TrainingLabelsFileName, "training labels"), layout);

    /// <summary>
    /// Loads the test set from <paramref name="folder"/>: <see cref="TestImagesFileName"/> and
    /// <see cref="TestLabelsFileName"/>, or the same names without <c>.gz</c>.
    /// </summary>
    /// <param name="folder">The folder with the files.</param>
    /// <param name="layout">The shape of the features. Default <see cref="ImageLayout.Flattened"/> (<c>[n, 784]</c>).</param>
    /// <returns>Features scaled to <c>[0, 1]</c> and class indices.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is wrong, truncated or corrupt, or the counts differ.</exception>
    public static Dataset LoadTest(string folder, ImageLayout layout = ImageLayout.Flattened) =>
        Load(Find(folder, TestImagesFileName, "test images"), Find(folder, TestLabelsFileName, "test labels"), layout);

    /// <summary>Loads an image file and a label file (IDX, plain or gzip) of the same length into a dataset.</summary>
    /// <param name="imagesPath">The images (magic number <c>0x00000803</c>).</param>
    /// <param name="labelsPath">The labels (magic number <c>0x00000801</c>).</param>
    /// <param name="layout">The shape of the features. Default <see cref="ImageLayout.Flattened"/>.</param>
    /// <returns>Features scaled to <c>[0, 1]</c> and class indices.</returns>
    /// <exception cref="DataFormatException">A file is wrong, truncated or corrupt, or the numbers of images and labels differ.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, ImageLayout layout = ImageLayout.Flattened)
    {
        Tensor images = Idx.ReadImages(imagesPath, layout);
        int[] labels = Idx.ReadLabels(labelsPath);
        if (labels.Length != images.Shape[0])
        {
            throw new DataFormatException(labelsPath, $"has {labels.Length} labels, but the images file {imagesPath} has {images.Shape[0]} images; expected one label per image.");
        }

        return new Dataset(images, labels);
    }

    private static string Find(string folder, string fileName, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The MNIST folder {folder} does not exist.");
        }

        string compressed = Path.Combine(folder, fileName);
        if (File.Exists(compressed))
        {
            return compressed;
        }

        string plain = Path.Combine(folder, Path.GetFileNameWithoutExtension(fileName));
        if (File.Exists(plain))
        {
            return plain;
        }

        throw new FileNotFoundException($"The MNIST {what} are not in {folder}: looked for {fileName} and {Path.GetFileName(plain)}.", compressed);
    }
}
