using System.Text;
using System.Text.RegularExpressions;
using DiffGen.Analyzers.Tests.Support;
using DiffGen.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Analyzers.Tests;

/// <summary>
/// Every <c>```csharp</c> block of README.md and docs/**/*.md compiles, with the whole toolchain a user has: the
/// analyzers (DG0001-DG0004, DG0109-DG0112) and the generator (the rest), then the C# compiler over the user's code and
/// the generated code. So the docs cannot rot: renaming an API or changing a diagnostic breaks this test.
/// </summary>
/// <remarks>
/// <para>
/// This test lives with the analyzer tests because they reference both the analyzers and the generator: the analyzers
/// are run too, rather than only asserting that the generator emits nothing for the analyzer-reported ids, so that a
/// "Wrong" example on DG0001's page must really produce DG0001.
/// </para>
/// <para>How a block is compiled (docs/README.md, "How the examples are checked", says the same for writers):</para>
/// <list type="bullet">
/// <item>Using directives become global usings, next to the SDK's implicit usings and <c>using DiffGen;</c>.</item>
/// <item>Type declarations are compiled as they are; top-level methods, fields and properties are wrapped in
/// <c>public static partial class Fit</c> (<c>public partial class Fit</c> when one of them is an instance member);
/// statements become top-level statements, and the block is compiled as a program.</item>
/// <item>A page may declare a prelude, C# in an HTML comment <c>&lt;!-- compile-prelude ... --&gt;</c>, compiled with every
/// block of the page the same way: the model <c>net</c>, the <c>loader</c> and the tensors the page's fragments use.</item>
/// <item>Outside the diagnostics pages, the types an earlier block of the page declares are declared for the later
/// blocks too: a page's examples build on one another, in reading order.</item>
/// <item><c>&lt;!-- compile: skip (reason) --&gt;</c> on the line before a block skips it; the reason is required.</item>
/// <item>On a diagnostic's page (docs/diagnostics/DGnnnn.md), a block under "## Wrong" must produce exactly that
/// diagnostic, and no other DiffGen diagnostic or compiler error; <c>&lt;!-- compile: expect DG0102 DG0107 --&gt;</c>
/// names the ids when there are several. Every other block must produce no DiffGen diagnostic and no compiler error.
/// Compiler warnings are allowed: fragments leave variables unused.</item>
/// </list>
/// </remarks>
public class DocsTests
{
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks", "DiffGen",
    ];

    private static readonly Lazy<IReadOnlyList<DocBlock>> AllBlocks = new(ReadBlocks);

    public static TheoryData<string> Blocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in AllBlocks.Value)
        {
            data.Add(block.Name);
        }

        return data;
    }

    [Fact]
    public void The_docs_have_code_blocks_and_few_skips()
    {
        var blocks = AllBlocks.Value;
        Assert.True(blocks.Count >= 80, $"only {blocks.Count} blocks found: is the repository found?");
        var skipped = blocks.Where(b => b.SkipReason is not null).ToList();
        Assert.All(skipped, b => Assert.False(string.IsNullOrWhiteSpace(b.SkipReason), $"{b.Name}: a skip needs a reason"));
        Assert.True(skipped.Count * 10 <= blocks.Count, "more than one block in ten is skipped:\n" + string.Join("\n", skipped.Select(b => b.Name)));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task Block_compiles(string name)
    {
        var block = AllBlocks.Value.Single(b => b.Name == name);
        if (block.SkipReason is not null)
        {
            return;
        }

        var (sources, isProgram) = Compose(block);
        var compilation = CSharpCompilation.Create(
            "DocsExample",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Verify.ParseOptions, path: $"File{i}.cs")),
            Verify.References,
            new CSharpCompilationOptions(
                isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true));
        string listing = "\n\nCompiled as:\n" + string.Join("\n// ----\n", sources);

        var syntax = compilation.SyntaxTrees.SelectMany(t => t.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(syntax.Count == 0, $"{name} does not parse (mark a schematic block `<!-- compile: skip (reason) -->`):\n"
            + string.Join("\n", syntax) + listing);

        var analyzerDiagnostics = await Verify.AnalyzerDiagnostics(compilation);
        var (generatorDiagnostics, output) = Verify.Generate(compilation);
        var diffGen = analyzerDiagnostics.Concat(generatorDiagnostics).Where(d => d.Id.StartsWith("DG", StringComparison.Ordinal) || d.Id.StartsWith("AD", StringComparison.Ordinal)).ToList();
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        var expected = block.Expected.Order(StringComparer.Ordinal).ToList();
        var actual = diffGen.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{name}: expected DiffGen diagnostics [{string.Join(", ", expected)}], got:\n" + string.Join("\n", diffGen) + listing);
        Assert.True(errors.Count == 0, $"{name} does not compile:\n" + string.Join("\n", errors) + listing);
    }

    /// <summary>The sources of a block's compilation, and whether it has top-level statements.</summary>
    private static (List<string> Sources, bool IsProgram) Compose(DocBlock block)
    {
        var usings = new List<string>(ImplicitUsings.Select(u => $"global using {u};"));
        var types = new StringBuilder();
        var members = new StringBuilder();
        var statements = new StringBuilder();
        bool instanceMembers = false;

        foreach (string code in (string[])[block.Prelude, .. block.EarlierBlocks, block.Code])
        {
            var unit = CSharpSyntaxTree.ParseText(code, Verify.ParseOptions).GetCompilationUnitRoot();
            foreach (var u in unit.Usings)
            {
                usings.Add("global " + u.WithoutTrivia().ToString());
            }

            foreach (var member in unit.Members)
            {
                string text = member.ToFullString();
                switch (member)
                {
                    case GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax f } when IsMember(f.AttributeLists, f.Modifiers):
                        members.AppendLine(text);
                        instanceMembers |= !f.Modifiers.Any(SyntaxKind.StaticKeyword);
                        break;
                    case GlobalStatementSyntax:
                        statements.AppendLine(text);
                        break;
                    case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax:
                        types.AppendLine(text);
                        break;
                    default:
                        members.AppendLine(text);
                        instanceMembers |= member is MemberDeclarationSyntax m && !m.Modifiers.Any(SyntaxKind.StaticKeyword);
                        break;
                }
            }
        }

        var sources = new List<string> { string.Join("\n", usings.Distinct()) };
        if (statements.Length > 0)
        {
            sources.Add(statements.ToString());
        }

        if (members.Length > 0)
        {
            sources.Add($"public {(instanceMembers ? "" : "static ")}partial class Fit\n{{\n{members}}}\n");
        }

        if (types.Length > 0)
        {
            sources.Add(types.ToString());
        }

        return (sources, statements.Length > 0);
    }

    /// <summary>A local function at the top level of a block is meant as a member when it has attributes or an access modifier.</summary>
    private static bool IsMember(SyntaxList<AttributeListSyntax> attributes, SyntaxTokenList modifiers) =>
        attributes.Count > 0 || modifiers.Any(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.InternalKeyword or SyntaxKind.ProtectedKeyword);

    private sealed record DocBlock(string Name, string Code, string Prelude, IReadOnlyList<string> EarlierBlocks, string? SkipReason, IReadOnlyList<string> Expected);

    /// <summary>The using directives and type declarations of a block (a later block of the same page may use them).</summary>
    private static string TypeDeclarations(string code)
    {
        var unit = CSharpSyntaxTree.ParseText(code, Verify.ParseOptions).GetCompilationUnitRoot();
        return string.Concat(unit.Usings.Select(u => u.ToFullString() + "\n")
            .Concat(unit.Members
                .Where(m => m is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax)
                .Select(m => m.ToFullString() + "\n")));
    }

    private static readonly Regex Fence = new(@"^```csharp\s*$", RegexOptions.Compiled);
    private static readonly Regex Directive = new(@"^<!--\s*compile:\s*(?<verb>skip|expect)\b\s*(?<rest>.*?)\s*-->\s*$", RegexOptions.Compiled);
    private static readonly Regex PreludeComment = new(@"<!--\s*compile-prelude\s*\n(?<code>.*?)-->", RegexOptions.Compiled | RegexOptions.Singleline);
    private static readonly Regex DiagnosticPage = new(@"^DG\d{4}$", RegexOptions.Compiled);

    private static List<DocBlock> ReadBlocks()
    {
        string root = TestData.Repository;
        var files = new List<string> { Path.Combine(root, "README.md") };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        var blocks = new List<DocBlock>();
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            string text = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
            string prelude = string.Concat(PreludeComment.Matches(text).Select(m => m.Groups["code"].Value + "\n"));
            string page = Path.GetFileNameWithoutExtension(file);
            bool diagnosticPage = DiagnosticPage.IsMatch(page);

            var earlierTypes = new List<string>();
            string[] lines = text.Split('\n');
            string section = "";
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith("## ", StringComparison.Ordinal))
                {
                    section = lines[i][3..].Trim();
                }

                if (!Fence.IsMatch(lines[i]))
                {
                    continue;
                }

                int start = i + 1;
                int end = start;
                while (end < lines.Length && !lines[end].StartsWith("```", StringComparison.Ordinal))
                {
                    end++;
                }

                string code = string.Join("\n", lines[start..end]);
                string? skip = null;
                IReadOnlyList<string> expected = diagnosticPage && section == "Wrong" ? [page] : [];
                var directive = Directive.Match(i > 0 ? lines[i - 1].Trim() : "");
                if (directive.Success && directive.Groups["verb"].Value == "skip")
                {
                    skip = directive.Groups["rest"].Value.Trim().Trim('(', ')');
                }
                else if (directive.Success)
                {
                    expected = directive.Groups["rest"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                }

                blocks.Add(new DocBlock($"{relative}:{i + 1}", code, prelude, [.. earlierTypes], skip, expected));
                if (!diagnosticPage && skip is null)
                {
                    earlierTypes.Add(TypeDeclarations(code));
                }

                i = end;
            }
        }

        return blocks;
    }
}
