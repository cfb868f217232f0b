using DiffGen.Generator.Diagnostics;

namespace DiffGen.Generator.Tests;

/// <summary>Every diagnostic in the catalog has a documentation page and a release-tracking entry.</summary>
public class CatalogTests
{
    private static string Repository() => DiffGen.Tests.Shared.TestData.Repository;

    public static TheoryData<string> Ids => new(Descriptors.ById.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_diagnostic_has_a_page_with_a_wrong_and_a_right_example(string id)
    {
        string page = Path.Combine(Repository(), "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing.");
        string text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {Descriptors.ById[id].Title}", text, StringComparison.Ordinal);
        Assert.Contains("## Wrong", text, StringComparison.Ordinal);
        Assert.Contains("## Right", text, StringComparison.Ordinal);
        Assert.EndsWith($"docs/diagnostics/{id}.md", Descriptors.ById[id].HelpLinkUri, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_diagnostic_is_in_the_release_tracking_files(string id)
    {
        string folder = Path.Combine(Repository(), "src", "Generator");
        string tracked = File.ReadAllText(Path.Combine(folder, "AnalyzerReleases.Shipped.md")) + File.ReadAllText(Path.Combine(folder, "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {Descriptors.ById[id].Category} | {Descriptors.ById[id].DefaultSeverity}", tracked, StringComparison.Ordinal);
    }
}
