namespace DiffGen.Runtime.Tests.Support;

/// <summary>Folders found from the repository root: the folder above the test binaries that holds DiffGen.sln.</summary>
internal static class RepositoryPaths
{
    public static string Root => DiffGen.Tests.Shared.TestData.Repository;

    /// <summary>The MNIST test set in the shared data folder (see <see cref="DiffGen.Tests.Shared.TestData"/>).</summary>
    public static string MnistFolder => DiffGen.Tests.Shared.TestData.Folder("data", "mnist");
}
