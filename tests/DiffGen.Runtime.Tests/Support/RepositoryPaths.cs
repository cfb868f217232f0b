namespace DiffGen.Runtime.Tests.Support;

/// <summary>Folders found from the repository root: the folder above the test binaries that holds DiffGen.sln.</summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "DiffGen.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains DiffGen.sln; the tests must run from inside the repository.");
        }
    }

    /// <summary>The MNIST test set shared next to the repository: ../shared/data/mnist. Fails with a clear message if it is missing.</summary>
    public static string MnistFolder
    {
        get
        {
            string folder = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "mnist"));
            if (!Directory.Exists(folder))
            {
                throw new InvalidOperationException(
                    $"The MNIST test data is missing: expected the folder {folder} (the repository root {Root}, then ../shared/data/mnist) with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
            }

            return folder;
        }
    }
}
