using System.Globalization;
using DiffGen.Generator.Tests.Support;
using Microsoft.CodeAnalysis;

namespace DiffGen.Generator.Tests;

/// <summary>Each diagnostic fires at the offending code, and stays silent on the nearest correct code.</summary>
public class DiagnosticTests
{
    private static string Wrap(string members, string usings = "") => $$"""
        using System;
        using DiffGen;
        using static DiffGen.Differentiation;
        {{usings}}
        namespace Demo;

        public static partial class Fit
        {
        {{members}}
        }
        """;

    /// <summary>Asserts exactly one diagnostic, with <paramref name="id"/>, on <paramref name="text"/>.</summary>
    private static Diagnostic Single(string id, string text, params string[] sources)
    {
        var diagnostics = GeneratorHarness.Diagnostics(sources);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(text, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal($"https://github.com/diffgen/DiffGen/blob/main/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        return diagnostic;
    }

    private static void Silent(params string[] sources)
    {
        var diagnostics = GeneratorHarness.Diagnostics(sources);
        Assert.Empty(diagnostics);
        GeneratorHarness.Build(sources);
    }

    /// <summary>The declarations of the wrong shape: DiffGen.Analyzers reports them (tests/DiffGen.Analyzers.Tests).</summary>
    public static TheoryData<string> WrongDeclarations => new(
        """
        using DiffGen;
        public class Outer
        {
            public static partial class Fit
            {
                [Differentiable] public static double F(double x) => x * x;
            }
        }
        """,
        """
        using DiffGen;
        [Model]
        public class Net
        {
            public Parameter Weight { get; } = Tensor.Zeros(2, 2);
        }
        """,
        Wrap("[Differentiable] public static int F(double x) => (int)x;"),
        Wrap("[Differentiable] public static double F(ref double x) => x * x;"),
        Wrap("[Differentiable] public static double F<T>(double x) => x * x;"),
        Wrap("[Differentiable] public static async System.Threading.Tasks.Task<double> F(double x) { await System.Threading.Tasks.Task.Yield(); return x; }"));

    [Theory]
    [MemberData(nameof(WrongDeclarations))]
    public void A_declaration_of_the_wrong_shape_is_left_to_the_analyzers_and_nothing_is_generated_for_it(string source)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(source));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void The_nearest_correct_declarations_generate_and_compile()
    {
        Silent("""
            using DiffGen;
            public partial class Outer
            {
                public static partial class Fit
                {
                    [Differentiable] public static double F(double x) => x * x;
                }
            }
            """);
        Silent("""
            using DiffGen;
            [Model]
            public partial class Net
            {
                public Parameter Weight { get; } = Tensor.Zeros(2, 2);
            }
            """);
        Silent(Wrap("[Differentiable] public static double F(double x) => (int)x;"));
        Silent(Wrap("[Differentiable] public static double F(in double x) => x * x;"));
    }

    [Fact]
    public void A_call_to_a_method_of_the_wrong_shape_is_reported_where_it_is_made()
    {
        var diagnostics = GeneratorHarness.Diagnostics(Wrap("""
            [Differentiable] public static double G<T>(double x) => x * x;
            [Differentiable] public static double F(double x) => G<int>(x) * x;
            """));
        var d = Assert.Single(diagnostics);
        Assert.Equal("DG0101", d.Id);
        Assert.Equal("G<int>(x)", d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan));
    }

    [Fact]
    public void DG0101_fires_on_a_call_with_no_derivative_on_the_differentiable_path()
    {
        const string helper = "public static double Helper(double v) => v * 3;";
        var d = Single("DG0101", "Helper(x)", Wrap(helper + "[Differentiable] public static double F(double x) => Helper(x) * x;"));
        Assert.Contains("'Fit.Helper(double)' has no derivative", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Silent(Wrap(helper + "[Differentiable] public static double F(double x) => Helper(WithoutDerivative(x)) * x;"));
    }

    [Fact]
    public void DG0101_fires_on_a_method_that_may_change_a_differentiable_array()
    {
        Single("DG0101", "Array.Reverse(work)", Wrap("""
            [Differentiable] public static double F(double[] xs)
            {
                double[] work = new double[2];
                work[0] = xs[0];
                Array.Reverse(work);
                return work[1] * xs[1];
            }
            """));
    }

    [Fact]
    public void DG0102_fires_on_try_catch()
    {
        var d = Single("DG0102", "try { y = x * x; } catch (Exception) { y = 0; }", Wrap(
            "[Differentiable] public static double F(double x) { double y; try { y = x * x; } catch (Exception) { y = 0; } return y; }"));
        Assert.Contains("'try'/'catch'/'finally' is not supported", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Silent(Wrap("[Differentiable] public static double F(double x) { double y = x * x; return y; }"));
    }

    [Fact]
    public void DG0102_fires_where_an_inlined_tensor_method_reads_a_member_the_caller_cannot_see()
    {
        string Source(string access) => $$"""
            using DiffGen;

            public static class Ops
            {
                public static Tensor Shift(Tensor x, int by) => x;

                [DerivativeOf(nameof(Shift))]
                public static void ShiftBackward(Tensor gradient, Tensor result, Tensor x, int by, Tensor? dx) { }

                public static double Total(Tensor x) => 0;

                [DerivativeOf(nameof(Total))]
                public static void TotalBackward(double gradient, double result, Tensor x, Tensor? dx) { }
            }

            public partial class Layer
            {
                {{access}} int _by = 1;

                [Differentiable]
                public Tensor Forward(Tensor x) => Ops.Shift(x, _by);
            }

            public partial class Net
            {
                private readonly Layer _layer = new();

                [Differentiable]
                public double Loss(Tensor x) => Ops.Total(_layer.Forward(x));
            }
            """;

        var d = Single("DG0102", "_layer.Forward(x)", Source("private"));
        Assert.Contains("make '_by' internal", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Silent(Source("internal"));
    }

    [Fact]
    public void DG0102_fires_on_goto()
    {
        Single("DG0102", "goto again;", Wrap(
            "[Differentiable] public static double F(double x) { again: x = x * 0.5; if (x > 1) goto again; return x; }"));
    }

    [Fact]
    public void DG0102_fires_on_writing_a_field()
    {
        Single("DG0102", "_last = x", Wrap(
            "private static double _last; [Differentiable] public static double F(double x) { _last = x; return x * x; }"));
    }

    [Fact]
    public void DG0103_fires_on_a_lambda_that_captures_a_differentiable_value()
    {
        var d = Single("DG0103", "v => v * x", Wrap(
            "[Differentiable] public static double F(double x) { Func<double, double> f = v => v * x; return f(2); }"));
        Assert.Contains("uses 'x'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void DG0104_fires_on_a_write_into_a_differentiable_parameter()
    {
        Single("DG0104", "xs[0] = 1", Wrap("[Differentiable] public static double F(double[] xs) { xs[0] = 1; return xs[0] * xs[1]; }"));
        Silent(Wrap("[Differentiable] public static double F(double[] xs) { double[] w = new double[2]; w[0] = 1; return w[0] * xs[1]; }"));
    }

    [Fact]
    public void DG0105_fires_on_stackalloc_in_a_loop()
    {
        Single("DG0105", "w = stackalloc double[2]", Wrap("""
            [Differentiable] public static double F(double x)
            {
                double s = 0;
                for (int i = 0; i < 3; i++) { Span<double> w = stackalloc double[2]; w[0] = x * i; s += w[0] * w[0]; }
                return s;
            }
            """));
        Silent(Wrap("""
            [Differentiable] public static double F(double x)
            {
                double s = 0;
                Span<double> w = stackalloc double[2];
                for (int i = 0; i < 3; i++) { w[0] = x * i; s += w[0] * w[0]; }
                return s;
            }
            """));
    }

    [Fact]
    public void DG0106_fires_on_a_ref_local()
    {
        var d = Single("DG0106", "r = ref xs[0]", Wrap("[Differentiable] public static double F(double[] xs) { ref double r = ref xs[0]; return r * r; }"));
        Assert.Contains("another name for differentiable data 'xs[0]'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void DG0107_fires_on_a_call_to_a_differentiable_method_that_has_errors()
    {
        var diagnostics = GeneratorHarness.Diagnostics(Wrap("""
            [Differentiable] public static double Bad(double x) { try { return x; } finally { } }
            [Differentiable] public static double F(double x) => Bad(x) * x;
            """));
        Assert.Equal(["DG0102", "DG0107"], diagnostics.Select(d => d.Id).Order());
        var d = diagnostics.Single(d => d.Id == "DG0107");
        Assert.Equal("Bad(x)", d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan));
    }

    [Fact]
    public void DG0108_fires_on_an_alias_of_a_differentiable_array()
    {
        Single("DG0108", "b = xs", Wrap("[Differentiable] public static double F(double[] xs) { double[] b = xs; return b[0] * b[1]; }"));
    }

    [Fact]
    public void DG0201_fires_on_a_rule_whose_target_does_not_exist()
    {
        var d = Single("DG0201", "DerivativeOf(\"Missing\")", Wrap("[DerivativeOf(\"Missing\")] public static double MissingWithGradient(double x, out double dx) { dx = 1; return x; }"));
        Assert.Contains("has no method of that name", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void DG0202_fires_on_a_rule_with_the_wrong_signature_and_shows_the_right_one()
    {
        var d = Single("DG0202", "DerivativeOf(nameof(G))", Wrap("""
            public static double G(double x, double[] ys) => x * ys[0];
            [DerivativeOf(nameof(G))] public static double GWithGradient(double x, double[] ys, out double dx) { dx = ys[0]; return x * ys[0]; }
            """));
        Assert.Contains("static double GWithGradient(double x, double[] ys, out double dx, global::System.Span<double> dys)", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Silent(Wrap("""
            public static double G(double x, double[] ys) => x * ys[0];
            [DerivativeOf(nameof(G))] public static double GWithGradient(double x, double[] ys, out double dx, Span<double> dys) { dx = ys[0]; dys.Clear(); dys[0] = x; return x * ys[0]; }
            [Differentiable] public static double F(double x, double[] ys) => G(x, ys) * x;
            """));
    }

    [Fact]
    public void DG0203_fires_on_a_method_that_is_differentiable_and_has_a_rule()
    {
        Single("DG0203", "G", Wrap("""
            [Differentiable] public static double G(double x) => x * x;
            [DerivativeOf(nameof(G))] public static double GWithGradient(double x, out double dx) { dx = 2 * x; return x * x; }
            """));
    }

    [Fact]
    public void Every_error_can_be_suppressed_with_pragma_because_it_is_reported_in_the_source_tree()
    {
        var diagnostics = GeneratorHarness.Diagnostics(Wrap("public static double Helper(double v) => v; [Differentiable] public static double F(double x) => Helper(x);"));
        var d = Assert.Single(diagnostics);
        Assert.True(d.Location.IsInSource);
        Assert.Equal("File0.cs", d.Location.SourceTree!.FilePath);
    }
}
