namespace DiffGen.EndToEnd.Tests;

/// <summary>Where the shared data (MNIST, ADBench inputs) lives: <c>../shared</c> next to the repository.</summary>
internal static class Paths
{
    public static string Repository { get; } = FindRepository();

    public static string Shared => Path.GetFullPath(Path.Combine(Repository, "..", "shared"));

    public static string AdBench(params string[] parts) => RequireFile(Path.Combine([Shared, "adbench", .. parts]));

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DiffGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DiffGen.sln not found above " + AppContext.BaseDirectory);
    }

    private static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"The shared test data file {path} is missing; the tests expect ../shared next to the repository.", path);
}
