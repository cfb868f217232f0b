using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using DiffGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DiffGen.Benchmarks.Analyzers;

/// <summary>
/// What DiffGen's analyzers add to a build: one file of 200 <c>[Differentiable]</c> methods (expressions, loops over
/// spans, branches, calls to one another) checked by the compiler alone (binding every body and reporting its
/// diagnostics, as a build does before emitting), and by the compiler with the analyzers. Each iteration starts
/// from a fresh compilation over the same parsed tree, so nothing bound before is reused. A third row runs an idle
/// analyzer that registers the same kinds of actions, to tell the analyzer driver's cost from DiffGen's own.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    public const int Methods = 200;

    private SyntaxTree _tree = null!;
    private ImmutableArray<MetadataReference> _references;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;

    [GlobalSetup]
    public void Setup()
    {
        _tree = CSharpSyntaxTree.ParseText(Source(), new CSharpParseOptions(LanguageVersion.Latest), path: "Objectives.cs");
        _references = [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location)];
        _analyzers = [new DifferentiableAnalyzer()];

        // The file must be what the benchmark says: clean code, on which the analyzers do all their work.
        var diagnostics = CompileWithAnalyzers().GetAwaiter().GetResult();
        if (diagnostics.Any(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            throw new System.InvalidOperationException("The benchmark file is not clean:\n" + string.Join("\n", diagnostics));
        }
    }

    [Benchmark(Baseline = true, Description = "compiler alone")]
    public int Compile() => NewCompilation().GetDiagnostics().Length;

    [Benchmark(Description = "compiler + an idle analyzer (the driver alone)")]
    public async Task<int> CompileAndIdle() =>
        (await NewCompilation().WithAnalyzers([new IdleAnalyzer()]).GetAllDiagnosticsAsync().ConfigureAwait(false)).Length;

    [Benchmark(Description = "compiler + DiffGen analyzers")]
    public async Task<int> CompileAndAnalyze() => (await CompileWithAnalyzers().ConfigureAwait(false)).Length;

    private async Task<ImmutableArray<Diagnostic>> CompileWithAnalyzers() =>
        await NewCompilation().WithAnalyzers(_analyzers).GetAllDiagnosticsAsync().ConfigureAwait(false);

    private CSharpCompilation NewCompilation() => CSharpCompilation.Create(
        "Objectives", [_tree], _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>200 methods in four shapes, each calling the one before it, as a real objective library does.</summary>
    public static string Source()
    {
        var text = new StringBuilder("""
            using System;
            using DiffGen;

            public static partial class Objectives
            {
            """);
        for (int i = 0; i < Methods; i++)
        {
            string n = i.ToString(CultureInfo.InvariantCulture);
            string previous = (i - 1).ToString(CultureInfo.InvariantCulture);
            string call = i == 0 ? "x" : "M" + previous + "(x, y)";
            text.AppendLine();
            text.Append((i % 4) switch
            {
                0 => $$"""
                        [Differentiable]
                        public static double M{{n}}(double x, double y) => Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2) + 0.5 * {{call}};
                    """,
                1 => $$"""
                        [Differentiable]
                        public static double M{{n}}(double x, double y)
                        {
                            double s = 0;
                            for (int k = 0; k < 8; k++)
                            {
                                double t = Math.Sin(x * k) + Math.Exp(-y * k);
                                s += k % 2 == 0 ? t * t : -t;
                            }

                            return s + {{call}};
                        }
                    """,
                2 => $$"""
                        [Differentiable]
                        public static double M{{n}}(double x, double y)
                        {
                            if (x > y)
                            {
                                return Math.Log(1 + x * x) * y + {{call}};
                            }

                            return Math.Sqrt(1 + y * y) * x - {{call}};
                        }
                    """,
                _ => $$"""
                        [Differentiable]
                        public static double M{{n}}(double x, double y)
                        {
                            double a = Math.Tanh(x) * Math.Cos(y);
                            double b = Math.Max(a, 0.1 * x) + Math.Abs(y);
                            return a * b + {{call}};
                        }
                    """,
            });
            text.AppendLine();
        }

        return text.Append('}').AppendLine().ToString();
    }
}
