using DiffGen.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;
using static DiffGen.Analyzers.Tests.Sources;

namespace DiffGen.Analyzers.Tests;

/// <summary>
/// The analyzers and the generator share one front end, so they agree: what the generator silently skips, the
/// analyzers report as an error; what the analyzers accept, the generator generates.
/// </summary>
public class AgreementTests
{
    public static TheoryData<string> Skipped => new(
        """
        using DiffGen;
        public class Outer { public static partial class Fit { [Differentiable] public static double F(double x) => x * x; } }
        """,
        """
        using DiffGen;
        [Model] public class Net { public Parameter Weight { get; } = Tensor.Zeros(2, 2); }
        """,
        Wrap("[Differentiable] public static int F(double x) => (int)x;"),
        Wrap("[Differentiable] public static double F(ref double x) => x * x;"),
        Wrap("[Differentiable] public static double F(out double x) { x = 1; return x; }"),
        Wrap("[Differentiable] public static double F(params double[] xs) => xs[0];"),
        Wrap("[Differentiable] public static double F<T>(double x) => x * x;"),
        Wrap("[Differentiable] public static ref double F(double[] xs) => ref xs[0];"),
        Wrap("[Differentiable] public static System.Collections.Generic.IEnumerable<double> F(double x) { yield return x; }"));

    public static TheoryData<string> Generated => new(
        """
        using DiffGen;
        public partial class Outer { public static partial class Fit { [Differentiable] public static double F(double x) => x * x; } }
        """,
        """
        using DiffGen;
        [Model] public partial class Net { public Parameter Weight { get; } = Tensor.Zeros(2, 2); }
        """,
        Wrap("[Differentiable] public static double F(in double x) => x * x;"),
        Wrap("[Differentiable] public static double F(double[] xs) => xs[0] * xs[1];"),
        Wrap("[Differentiable] public static float F(float x, [NoDiff] int n) => x * n;"));

    [Theory]
    [MemberData(nameof(Skipped))]
    public async Task What_the_generator_skips_the_analyzers_report_as_an_error(string source)
    {
        var compilation = Verify.Compilation(source);
        var (generatorDiagnostics, output) = Verify.Generate(compilation);
        Assert.Empty(generatorDiagnostics);
        Assert.Equal(compilation.SyntaxTrees.Length, output.SyntaxTrees.Count());

        var analyzerDiagnostics = await Verify.AnalyzerDiagnostics(compilation);
        Assert.Contains(analyzerDiagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id is "DG0001" or "DG0002" or "DG0003" or "DG0004");
    }

    [Theory]
    [MemberData(nameof(Generated))]
    public async Task What_the_analyzers_accept_the_generator_generates(string source) =>
        await Verify.CompilesAndGenerates(source);
}
