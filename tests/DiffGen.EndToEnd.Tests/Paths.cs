using DiffGen.Tests.Shared;

namespace DiffGen.EndToEnd.Tests;

/// <summary>The repository and the shared data, as the end-to-end tests use them.</summary>
internal static class Paths
{
    public static string Repository => TestData.Repository;

    public static string AdBench(params string[] parts) => TestData.File(["adbench", .. parts]);
}
