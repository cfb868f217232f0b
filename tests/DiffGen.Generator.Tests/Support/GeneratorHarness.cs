using System.Collections.Immutable;
using System.Reflection;
using Basic.Reference.Assemblies;
using DiffGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Generator.Tests.Support;

/// <summary>Runs the generator over in-memory compilations, the way the compiler does, and loads what it builds.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location)];

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "UserCode",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    public static GeneratorDriver Driver(bool trackSteps = true) => CSharpGeneratorDriver.Create(
        [new DiffGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns its result and the compilation with the generated sources added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(CSharpCompilation compilation)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();
        // The generator must never throw: an exception surfaces as CS8785 and fails every test.
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8785" or "CS8784");
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        return (result, output);
    }

    /// <summary>The generator's diagnostics for <paramref name="sources"/>.</summary>
    public static ImmutableArray<Diagnostic> Diagnostics(params string[] sources) => Run(Compilation(sources)).Result.Diagnostics;

    /// <summary>Generates and compiles; fails on any error or warning in the user's code or the generated code.</summary>
    public static Assembly Build(params string[] sources)
    {
        var (result, output) = Run(Compilation(sources));
        Assert.Empty(result.Diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems)
            + "\n\n" + string.Join("\n\n", result.GeneratedTrees.Select(t => t.GetText().ToString())));
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }

    /// <summary>The single generated file's text, for one method.</summary>
    public static string GeneratedText(GeneratorDriverRunResult result, string hintStart) =>
        result.GeneratedTrees.Single(t => Path.GetFileName(t.FilePath).StartsWith(hintStart, StringComparison.Ordinal)).GetText().ToString();
}
