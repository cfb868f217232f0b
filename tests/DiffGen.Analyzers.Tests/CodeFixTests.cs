using DiffGen.Analyzers.Tests.Support;
using DiffGen.CodeFixes;
using static DiffGen.Analyzers.Tests.Sources;

namespace DiffGen.Analyzers.Tests;

/// <summary>Each code fix writes the expected code, and that code is clean for the analyzers, the generator and the compiler.</summary>
public class CodeFixTests
{
    [Fact]
    public async Task DG0001_fix_makes_the_type_partial()
    {
        const string fixedCode = """
            using DiffGen;

            public static partial class Fit
            {
                [Differentiable] public static double F(double x) => x * x;
            }
            """;
        await Verify.Fix<AddPartialFix>("""
            using DiffGen;

            public static class {|DG0001:Fit|}
            {
                [Differentiable] public static double F(double x) => x * x;
            }
            """, fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0001_fix_makes_a_type_with_no_modifiers_and_a_model_partial()
    {
        const string fixedCode = """
            using DiffGen;

            [Model]
            partial class Net
            {
                public Parameter Weight { get; } = Tensor.Zeros(2, 2);
            }
            """;
        await Verify.Fix<AddPartialFix>("""
            using DiffGen;

            [Model]
            class {|DG0001:Net|}
            {
                public Parameter Weight { get; } = Tensor.Zeros(2, 2);
            }
            """, fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0109_fix_marks_the_parameter_NoDiff()
    {
        string fixedCode = Wrap("[Differentiable] public static double F(double x, [NoDiff] double scale) => scale > 0 ? x * x : -x * x;");
        await Verify.Fix<AddNoDiffFix>(
            Wrap("[Differentiable] public static double F(double x, double {|DG0109:scale|}) => scale > 0 ? x * x : -x * x;"),
            fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0111_fix_wraps_the_operation_in_WithoutDerivative()
    {
        string fixedCode = Wrap("[Differentiable] public static double F(double x, double step) => WithoutDerivative(Math.Round(x / step)) * step + x;");
        await Verify.Fix<WithoutDerivativeFix>(
            Wrap("[Differentiable] public static double F(double x, double step) => {|DG0111:Math.Round(x / step)|} * step + x;"),
            fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0111_fix_qualifies_WithoutDerivative_when_it_is_not_imported()
    {
        const string fixedCode = """
            using DiffGen;

            public static partial class Fit
            {
                [Differentiable] public static double F(double x, double y) => Differentiation.WithoutDerivative((int)(x * 4)) * y + x;
            }
            """;
        await Verify.Fix<WithoutDerivativeFix>("""
            using DiffGen;

            public static partial class Fit
            {
                [Differentiable] public static double F(double x, double y) => {|DG0111:(int)(x * 4)|} * y + x;
            }
            """, fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0111_fix_wraps_a_comparison_used_as_a_number()
    {
        string fixedCode = Wrap("[Differentiable] public static double F(double x) => x * (WithoutDerivative(x > 0 ? 1.0 : 0.0));");
        await Verify.Fix<WithoutDerivativeFix>(
            Wrap("[Differentiable] public static double F(double x) => x * ({|DG0111:x > 0 ? 1.0 : 0.0|});"),
            fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0112_fix_wraps_the_argument_in_WithoutDerivative()
    {
        const string body = """
            [Differentiable] public static double F(double x, [NoDiff] System.Collections.Generic.List<double> history)
                {
                    double loss = (x - 3) * (x - 3);
                    history.Add(ARG);
                    return loss;
                }
            """;
        string fixedCode = Wrap(body.Replace("ARG", "WithoutDerivative(loss)", StringComparison.Ordinal));
        await Verify.Fix<WithoutDerivativeFix>(Wrap(body.Replace("ARG", "{|DG0112:loss|}", StringComparison.Ordinal)), fixedCode);
        await Verify.CompilesAndGenerates(fixedCode);
    }

    [Fact]
    public async Task DG0101_fix_marks_a_callee_in_source_Differentiable()
    {
        string source = """
            using System;
            using DiffGen;

            public static partial class Fit
            {
                public static double Cube(double v) => v * v * v;

                [Differentiable]
                public static double F(double x) => Cube(x) + x;
            }
            """;
        string expected = """
            using System;
            using DiffGen;

            public static partial class Fit
            {
                [Differentiable]
                public static double Cube(double v) => v * v * v;

                [Differentiable]
                public static double F(double x) => Cube(x) + x;
            }
            """;
        Assert.Equal(expected, await Verify.FixGeneratorDiagnostic<AddDifferentiableFix>(source, "DG0101"));
        await Verify.CompilesAndGenerates(expected);
    }

    [Fact]
    public async Task DG0101_fix_is_not_offered_for_a_callee_that_is_not_in_source_or_cannot_be_differentiated()
    {
        await Verify.NoFixForGeneratorDiagnostic<AddDifferentiableFix>(
            Wrap("[Differentiable] public static double F(double x) => Math.BitIncrement(x) * x;"), "DG0101");
        await Verify.NoFixForGeneratorDiagnostic<AddDifferentiableFix>(
            Wrap("public static double Generic<T>(double v) => 2 * v; [Differentiable] public static double F(double x) => Generic<int>(x) * x;"), "DG0101");
    }

    [Fact]
    public async Task DG0202_fix_gives_the_rule_the_signature_its_target_needs()
    {
        string source = """
            using System;
            using DiffGen;

            public static partial class Fit
            {
                public static double G(double x, double[] ys) => x * ys[0];

                [DerivativeOf(nameof(G))]
                public static double GWithGradient(double x, double[] ys, out double dx) { dx = ys[0]; return x * ys[0]; }

                [Differentiable]
                public static double F(double x, double[] ys) => G(x, ys) * x;
            }
            """;
        string expected = """
            using System;
            using DiffGen;

            public static partial class Fit
            {
                public static double G(double x, double[] ys) => x * ys[0];

                [DerivativeOf(nameof(G))]
                public static double GWithGradient(double x, double[] ys, out double dx, Span<double> dys) { dx = ys[0]; return x * ys[0]; }

                [Differentiable]
                public static double F(double x, double[] ys) => G(x, ys) * x;
            }
            """;
        var fixedCode = await Verify.FixGeneratorDiagnostic<DerivativeSignatureFix>(source, "DG0202");
        Assert.Equal(expected, fixedCode);
        await Verify.CompilesAndGenerates(expected);
    }
}
