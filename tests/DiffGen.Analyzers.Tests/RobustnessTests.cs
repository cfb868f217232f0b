using System.Text.RegularExpressions;
using DiffGen.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Analyzers.Tests;

/// <summary>The analyzers run over incomplete and broken code, as it looks while it is typed, without throwing.</summary>
public partial class RobustnessTests
{
    private static string Folder() => Path.Combine(DiffGen.Tests.Shared.TestData.Repository, "tests", "DiffGen.Analyzers.Tests");

    /// <summary>
    /// Every test input of this project: the string literals of its test files, with the diagnostic markup removed
    /// and members wrapped as the tests wrap them; and the sample objectives of the repository.
    /// </summary>
    private static List<string> Inputs()
    {
        var inputs = new List<string>();
        foreach (var file in new[] { "AnalyzerTests.cs", "CodeFixTests.cs", "AgreementTests.cs" })
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(Folder(), file))).GetRoot();
            foreach (var token in root.DescendantTokens())
            {
                if (token.Kind() is SyntaxKind.StringLiteralToken or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                    && (token.ValueText.Contains("[Differentiable]", StringComparison.Ordinal) || token.ValueText.Contains("[Model]", StringComparison.Ordinal)))
                {
                    string text = Markup().Replace(token.ValueText, string.Empty).Replace("|}", string.Empty, StringComparison.Ordinal);
                    inputs.Add(text.Contains("class ", StringComparison.Ordinal) ? text : Sources.Wrap(text));
                }
            }
        }

        string objectives = Path.Combine(DiffGen.Tests.Shared.TestData.Repository, "samples", "Objectives");
        inputs.AddRange(Directory.EnumerateFiles(objectives, "*.cs").Order(StringComparer.Ordinal).Select(File.ReadAllText));
        return inputs;
    }

    [GeneratedRegex(@"\{\|[^:|]*:")]
    private static partial Regex Markup();

    [Fact]
    public void The_inputs_are_found()
    {
        var inputs = Inputs();
        Assert.True(inputs.Count > 25, $"Only {inputs.Count} inputs were found.");
        Assert.All(inputs, i => Assert.DoesNotContain("{|", i, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_analyzers_run_over_every_prefix_of_every_test_input_without_throwing()
    {
        int runs = 0;
        foreach (var input in Inputs())
        {
            for (int cut = 1; cut <= input.Length; cut += Math.Max(1, input.Length / 31))
            {
                var diagnostics = await Verify.AnalyzerDiagnostics(Verify.Compilation(input[..cut]));
                var thrown = diagnostics.Where(d => d.Id == "AD0001").ToList();
                Assert.True(thrown.Count == 0, $"The analyzers threw on the input cut at {cut}:\n{string.Join("\n", thrown)}\n\n{input[..cut]}");
                runs++;
            }
        }

        Assert.True(runs > 800, $"Only {runs} runs.");
    }
}
