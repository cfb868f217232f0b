namespace DiffGen.Tests.Shared;

/// <summary>
/// Where the tests find the repository and the shared data (the MNIST test set, ADBench's inputs). The data lives
/// next to the repository in <c>../shared</c>; <c>DIFFGEN_SHARED</c> overrides that, and a clone elsewhere on this
/// machine type finds it at <c>/work/shared</c>. A missing file fails the test with a message that says where it
/// was looked for; nothing is skipped.
/// </summary>
internal static class TestData
{
    public static string Repository { get; } = FindRepository();

    public static string Shared { get; } = FindShared();

    /// <summary>A file under the shared folder; fails clearly if it is missing.</summary>
    public static string File(params string[] parts)
    {
        string path = Path.Combine([Shared, .. parts]);
        return System.IO.File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The shared test data file {path} is missing (shared folder: {Shared}).", path);
    }

    /// <summary>A folder under the shared folder; fails clearly if it is missing.</summary>
    public static string Folder(params string[] parts)
    {
        string path = Path.Combine([Shared, .. parts]);
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"The shared test data folder {path} is missing (shared folder: {Shared}).");
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "DiffGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains DiffGen.sln; the tests must run from inside the repository.");
    }

    private static string FindShared()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("DIFFGEN_SHARED") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.Add(Path.Combine(Repository, "..", "shared"));
        candidates.Add("/work/shared");
        foreach (var candidate in candidates)
        {
            if (Directory.Exists(Path.Combine(candidate, "data")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException("The shared test data (data/mnist, adbench) was not found in any of: " + string.Join(", ", candidates) + ". Set DIFFGEN_SHARED to its folder.");
    }
}
