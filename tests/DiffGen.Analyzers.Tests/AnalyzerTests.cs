using DiffGen.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using static DiffGen.Analyzers.Tests.Sources;

namespace DiffGen.Analyzers.Tests;

/// <summary>Each diagnostic the analyzers own fires at the offending code, and stays silent on the nearest correct code.</summary>
public class AnalyzerTests
{
    private static DiagnosticResult Expect(string id, DiagnosticSeverity severity, int location, params object[] arguments) =>
        new DiagnosticResult(id, severity).WithLocation(location).WithArguments(arguments);

    [Fact]
    public async Task DG0001_fires_on_a_containing_type_that_is_not_partial()
    {
        await Verify.Analyzer("""
            using DiffGen;
            public class {|#0:Outer|}
            {
                public static partial class Fit
                {
                    [Differentiable] public static double F(double x) => x * x;
                }
            }
            """, Expect("DG0001", DiagnosticSeverity.Error, 0, "Outer", "FWithGradient"));
        await Verify.Analyzer("""
            using DiffGen;
            public partial class Outer
            {
                public static partial class Fit
                {
                    [Differentiable] public static double F(double x) => x * x;
                }
            }
            """);
    }

    [Fact]
    public async Task DG0001_fires_once_on_each_container_that_is_not_partial_at_its_own_name()
    {
        await Verify.Analyzer("""
            using DiffGen;
            public class {|#0:Outer|}
            {
                public static class {|#1:Fit|}
                {
                    [Differentiable] public static double F(double x) => x * x;
                }
            }
            """,
            Expect("DG0001", DiagnosticSeverity.Error, 0, "Outer", "FWithGradient"),
            Expect("DG0001", DiagnosticSeverity.Error, 1, "Fit", "FWithGradient"));
    }

    [Fact]
    public async Task DG0001_is_silent_on_a_type_without_differentiable_methods()
    {
        await Verify.Analyzer("""
            using DiffGen;
            public class Plain
            {
                public static double F(double x) => x * x;
            }
            """);
    }

    [Fact]
    public async Task DG0004_fires_on_an_iterator_and_a_method_without_a_body()
    {
        await Verify.Analyzer(Wrap("""
            [Differentiable] public static {|#1:System.Collections.Generic.IEnumerable<double>|} {|#0:F|}(double x) { yield return x; }
            """),
            Expect("DG0004", DiagnosticSeverity.Error, 0, "F", "an iterator"),
            Expect("DG0002", DiagnosticSeverity.Error, 1, "F", "System.Collections.Generic.IEnumerable<double>"));
        await Verify.Analyzer("""
            using DiffGen;
            public abstract partial class Fit
            {
                [Differentiable] public abstract double {|#0:F|}(double x);
            }
            """, Expect("DG0004", DiagnosticSeverity.Error, 0, "F", "without a body"));
    }

    [Fact]
    public async Task DG0001_fires_on_a_model_that_is_not_partial()
    {
        await Verify.Analyzer("""
            using DiffGen;
            [Model]
            public class {|#0:Net|}
            {
                public Parameter Weight { get; } = Tensor.Zeros(2, 2);
            }
            """, Expect("DG0001", DiagnosticSeverity.Error, 0, "Net", "Parameters()"));
        await Verify.Analyzer("""
            using DiffGen;
            [Model]
            public partial class Net
            {
                public Parameter Weight { get; } = Tensor.Zeros(2, 2);
            }
            """);
    }

    [Fact]
    public async Task DG0002_fires_on_a_return_type_that_is_not_real()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static {|#0:int|} F(double x) => (int)x;"),
            Expect("DG0002", DiagnosticSeverity.Error, 0, "F", "int"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x) => x * x;"));
    }

    [Fact]
    public async Task DG0003_fires_on_a_ref_parameter()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F({|#0:ref double x|}) => x * x;"),
            Expect("DG0003", DiagnosticSeverity.Error, 0, "x", "passed by 'ref'"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(in double x) => x * x;"));
    }

    [Fact]
    public async Task DG0004_fires_on_a_generic_method_and_an_async_one()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double {|#0:F|}<T>(double x) => x * x;"),
            Expect("DG0004", DiagnosticSeverity.Error, 0, "F", "generic"));
        await Verify.Analyzer(Wrap("""
            [Differentiable] public static async {|#1:System.Threading.Tasks.Task<double>|} {|#0:F|}(double x) { await System.Threading.Tasks.Task.Yield(); return x; }
            """),
            Expect("DG0004", DiagnosticSeverity.Error, 0, "F", "async"),
            Expect("DG0002", DiagnosticSeverity.Error, 1, "F", "System.Threading.Tasks.Task<double>"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x) => x * x;"));
    }

    [Fact]
    public async Task DG0109_fires_on_a_parameter_that_only_steers_a_branch()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double {|#0:scale|}) => scale > 0 ? x * x : -x * x;"),
            Expect("DG0109", DiagnosticSeverity.Warning, 0, "scale", "F"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, [NoDiff] double scale) => scale > 0 ? x * x : -x * x;"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double scale) => scale * x * x;"));
    }

    [Fact]
    public async Task DG0109_fires_on_an_array_parameter_that_is_never_read()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double[] {|#0:weights|}) => x * weights.Length;"),
            Expect("DG0109", DiagnosticSeverity.Warning, 0, "weights", "F"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double[] weights) => x * weights[0];"));
    }

    [Fact]
    public async Task DG0110_fires_on_a_result_that_depends_on_no_differentiable_parameter()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double {|#0:F|}(double x) { double y = 3; return y * y; }"),
            Expect("DG0110", DiagnosticSeverity.Warning, 0, "F"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x) { double y = 3; return y * x; }"));
    }

    [Fact]
    public async Task DG0110_is_silent_when_every_parameter_is_NoDiff_on_purpose()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F([NoDiff] double x) => x * x;"));
    }

    [Fact]
    public async Task DG0111_fires_on_Math_Round_of_a_differentiable_value()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double step) => {|#0:Math.Round(x / step)|} * step + x;"),
            Expect("DG0111", DiagnosticSeverity.Warning, 0, "'Math.Round'"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double step) => WithoutDerivative(Math.Round(x / step)) * step + x;"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, [NoDiff] double step) => Math.Round(step) * x;"));
    }

    [Fact]
    public async Task DG0111_fires_on_a_cast_of_a_differentiable_value_to_an_integer_used_as_a_number()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double y) => {|#0:(int)(x * 4)|} * y + x;"),
            Expect("DG0111", DiagnosticSeverity.Warning, 0, "The cast to 'int'"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double y) => WithoutDerivative((int)(x * 4)) * y + x;"));
    }

    [Fact]
    public async Task DG0111_is_silent_on_an_integer_used_as_an_index_or_a_loop_bound()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double[] table, double x) { int i = (int)x; return table[i] * x; }"));
        await Verify.Analyzer(Wrap("""
            [Differentiable] public static double F(double x, double y)
            {
                double v = 0;
                for (int trips = 0; trips < 4 + (x > 0 ? 1 : 0); trips++)
                {
                    v += Math.Exp(-x * trips) * y;
                }

                return v;
            }
            """));
    }

    [Fact]
    public async Task DG0111_fires_on_a_comparison_used_as_a_number()
    {
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x) => x * ({|#0:x > 0 ? 1.0 : 0.0|});"),
            Expect("DG0111", DiagnosticSeverity.Warning, 0, "The comparison 'x > 0' used as a number"));
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x) => x > 0 ? x : 0.0;"));
    }

    [Fact]
    public async Task DG0112_fires_on_a_differentiable_value_stored_through_a_call()
    {
        await Verify.Analyzer(Wrap("""
            [Differentiable] public static double F(double x, [NoDiff] System.Collections.Generic.List<double> history)
            {
                double loss = (x - 3) * (x - 3);
                history.Add({|#0:loss|});
                return loss;
            }
            """), Expect("DG0112", DiagnosticSeverity.Warning, 0, "loss", "List<double>.Add(double)"));
        await Verify.Analyzer(Wrap("""
            [Differentiable] public static double F(double x, [NoDiff] System.Collections.Generic.List<double> history)
            {
                double loss = (x - 3) * (x - 3);
                history.Add(WithoutDerivative(loss));
                return loss;
            }
            """));
    }

    [Fact]
    public async Task DG0112_is_silent_on_values_that_carry_no_derivative_and_on_calls_whose_result_is_used()
    {
        await Verify.Analyzer(Wrap("""
            [Differentiable] public static double F(double x, [NoDiff] double scale, [NoDiff] System.Collections.Generic.List<double> history)
            {
                history.Add(scale * 2);
                Console.WriteLine(scale);
                return Math.Sin(x) * scale;
            }
            """));
    }

    [Fact]
    public async Task The_analyzers_leave_errors_in_the_body_to_the_generator()
    {
        // DG0102 (try/finally) is the generator's; no warning is added on a body that cannot be generated.
        await Verify.Analyzer(Wrap("[Differentiable] public static double F(double x, double unused) { try { return Math.Floor(x); } finally { } }"));
    }

    [Fact]
    public async Task Every_diagnostic_the_analyzers_report_has_its_help_link()
    {
        foreach (var descriptor in new DifferentiableAnalyzer().SupportedDiagnostics)
        {
            Assert.Equal($"https://github.com/diffgen/DiffGen/blob/main/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
        }

        Assert.Equal(
            ["DG0001", "DG0002", "DG0003", "DG0004", "DG0109", "DG0110", "DG0111", "DG0112"],
            new DifferentiableAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
    }
}
