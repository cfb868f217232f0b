using System.IO.Compression;
using System.Security.Cryptography;
using DiffGen.Runtime.Tests.Support;

namespace DiffGen.Runtime.Tests.Data;

/// <summary>Reads the real MNIST test set from ../shared/data/mnist (it must be there; nothing is skipped).</summary>
public class MnistTests
{
    private static string Folder => RepositoryPaths.MnistFolder;

    private static string ImagesPath => Path.Combine(Folder, Mnist.TestImagesFileName);

    private static string LabelsPath => Path.Combine(Folder, Mnist.TestLabelsFileName);

    [Fact]
    public void The_shared_files_are_the_published_ones()
    {
        Assert.Equal("9fb629c4189551a2d022fa330f9573f3", Md5(ImagesPath));
        Assert.Equal("ec29112dd5afa0611ce80d1b7f02629c", Md5(LabelsPath));
    }

    [Fact]
    public void The_test_set_has_10000_images_of_784_pixels_in_0_1_and_the_published_class_counts()
    {
        var test = Mnist.LoadTest(Folder);
        Assert.Equal([10000, 784], test.Features.Shape.ToArray());
        Assert.Equal([10000], test.Labels.Shape.ToArray());
        Assert.All(test.Features.Floats.ToArray(), p => Assert.InRange(p, 0f, 1f));

        // The first labels of t10k and the number of each digit, as published with the data set.
        Assert.Equal([7f, 2f, 1f, 0f, 4f, 1f, 4f, 9f, 5f, 9f], test.Labels.Floats[..10].ToArray());
        int[] counts = new int[10];
        foreach (float label in test.Labels.Floats)
        {
            counts[(int)label]++;
        }

        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], counts);
    }

    [Fact]
    public void The_pixels_equal_an_independent_decoding_of_the_file()
    {
        // Decoded here without the reader: gunzip, skip the 16-byte header, divide each byte by 255.
        byte[] raw;
        using (var gzip = new GZipStream(File.OpenRead(ImagesPath), CompressionMode.Decompress))
        using (var memory = new MemoryStream())
        {
            gzip.CopyTo(memory);
            raw = memory.ToArray();
        }

        Assert.Equal(16 + 10000 * 28 * 28, raw.Length);
        var images = Idx.ReadImages(ImagesPath, ImageLayout.RowsColumns);
        Assert.Equal([10000, 28, 28], images.Shape.ToArray());
        var pixels = images.Floats;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] != raw[16 + i] / 255f)
            {
                Assert.Fail($"Pixel {i}: the reader gives {pixels[i]}, the file holds {raw[16 + i]}.");
            }
        }
    }

    [Fact]
    public void The_first_8000_and_last_2000_split_trains_and_evaluates_on_disjoint_images()
    {
        var (train, validation) = Mnist.LoadTest(Folder).Split(8000, 2000);
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, validation.Count);
        var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 1);
        Assert.Equal(125, loader.Count);
        int samples = 0;
        foreach (var (inputs, labels) in loader)
        {
            Assert.Equal(inputs.Shape[0], labels.Shape[0]);
            samples += inputs.Shape[0];
        }

        Assert.Equal(8000, samples);
    }

    private static string Md5(string path)
    {
        // The data's README publishes MD5 checksums; this checks file identity, not security.
        using var stream = File.OpenRead(path);
#pragma warning disable CA5351
        return Convert.ToHexStringLower(MD5.HashData(stream));
#pragma warning restore CA5351
    }
}
