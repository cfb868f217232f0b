using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using DiffGen.Analyzers;
using DiffGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace DiffGen.Analyzers.Tests.Support;

/// <summary>
/// Runs the analyzers and code fixes the way an editor does, over code that references the DiffGen runtime and the
/// .NET 10 reference assemblies (from Basic.Reference.Assemblies, so nothing is downloaded).
/// </summary>
internal static class Verify
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<MetadataReference> References =
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location)];

    /// <summary>No package to resolve: the references are added one by one.</summary>
    private static readonly ReferenceAssemblies NoPackage = new("net10.0");

    /// <summary>Asserts that the analyzers report exactly the diagnostics marked in <paramref name="markup"/> (<c>{|DG0001:Outer|}</c>).</summary>
    public static Task Analyzer(string markup, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<DifferentiableAnalyzer, DefaultVerifier> { TestCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        Configure(test);
        return test.RunAsync();
    }

    /// <summary>Asserts the diagnostics marked in <paramref name="markup"/>, and that <typeparamref name="TFix"/> turns it into <paramref name="fixedCode"/>.</summary>
    public static Task Fix<TFix>(string markup, string fixedCode)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<DifferentiableAnalyzer, TFix, DefaultVerifier> { TestCode = markup, FixedCode = fixedCode };
        Configure(test);
        return test.RunAsync();
    }

    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = NoPackage;
        test.TestState.AdditionalReferences.AddRange(References);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution
                .WithProjectParseOptions(projectId, ParseOptions)
                .WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable));
        });
    }

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "UserCode",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>The analyzers' diagnostics, with AD0001 (an analyzer that threw) among them if it happened.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzerDiagnostics(Compilation compilation)
    {
        var withAnalyzers = compilation.WithAnalyzers([new DifferentiableAnalyzer()], new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
    }

    /// <summary>Runs the generator; returns its diagnostics and the compilation with what it generated.</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) Generate(Compilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create([new DiffGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (diagnostics, output);
    }

    /// <summary>
    /// Asserts that <paramref name="source"/> is clean for the whole toolchain: no analyzer diagnostic, no generator
    /// diagnostic, and the user's code with the generated code compiles without a warning.
    /// </summary>
    public static async Task CompilesAndGenerates(string source)
    {
        var compilation = Compilation(source);
        Assert.Empty(await AnalyzerDiagnostics(compilation));
        var (diagnostics, output) = Generate(compilation);
        Assert.Empty(diagnostics);
        Assert.NotEmpty(output.SyntaxTrees.Skip(1));
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Applies <typeparamref name="TFix"/> to the one diagnostic <paramref name="id"/> the generator reports on
    /// <paramref name="source"/> (the testing library runs analyzers, not generators), and returns the fixed text.
    /// </summary>
    public static async Task<string> FixGeneratorDiagnostic<TFix>(string source, string id)
        where TFix : CodeFixProvider, new()
    {
        using var workspace = new AdhocWorkspace();
        var (document, actions) = await GeneratorDiagnosticFixes<TFix>(workspace, source, id).ConfigureAwait(false);
        var action = Assert.Single(actions);
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await solution.GetDocument(document.Id)!.GetTextAsync().ConfigureAwait(false);
        return text.ToString();
    }

    /// <summary>Asserts that the fix offers nothing for the generator's single diagnostic <paramref name="id"/> on <paramref name="source"/>.</summary>
    public static async Task NoFixForGeneratorDiagnostic<TFix>(string source, string id)
        where TFix : CodeFixProvider, new()
    {
        using var workspace = new AdhocWorkspace();
        var (_, actions) = await GeneratorDiagnosticFixes<TFix>(workspace, source, id).ConfigureAwait(false);
        Assert.Empty(actions);
    }

    private static async Task<(Document Document, List<CodeAction> Actions)> GeneratorDiagnosticFixes<TFix>(AdhocWorkspace workspace, string source, string id)
        where TFix : CodeFixProvider, new()
    {
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "UserCode", "UserCode", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: ParseOptions,
            metadataReferences: References));
        var document = workspace.AddDocument(project.Id, "File0.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
        var diagnostic = Assert.Single(Generate(compilation).Diagnostics, d => d.Id == id);
        var fix = new TFix();
        Assert.Contains(id, fix.FixableDiagnosticIds);
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None)).ConfigureAwait(false);
        return (document, actions);
    }
}
