using DiffGen.Generator.Tests.Support;

namespace DiffGen.Generator.Tests;

/// <summary>[FusedForm]: a chain becomes one call exactly where the intermediate value is used for nothing else.</summary>
public class FusionTests
{
    private static string Source(string body) => $$"""
        using DiffGen;

        public static class Ops
        {
            public static Tensor Plus(Tensor a, Tensor b) => a;

            [DerivativeOf(nameof(Plus))]
            public static void PlusBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) { }

            public static Tensor Square(Tensor x, double scale) => x;

            [DerivativeOf(nameof(Square))]
            public static void SquareBackward(Tensor gradient, Tensor result, Tensor x, double scale, Tensor? dx, ref double dscale) { }

            [FusedForm(nameof(Plus), nameof(Square))]
            public static Tensor PlusSquare(Tensor a, Tensor b, double scale) => a;

            [DerivativeOf(nameof(PlusSquare))]
            public static void PlusSquareBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, double scale, Tensor? da, Tensor? db, ref double dscale) { }

            public static double Total(Tensor x) => 0;

            [DerivativeOf(nameof(Total))]
            public static void TotalBackward(double gradient, double result, Tensor x, Tensor? dx) { }
        }

        public partial class Layer
        {
            [Differentiable]
            public Tensor Forward(Tensor x, Tensor b) => Ops.Plus(x, b);
        }

        public static partial class Fit
        {
            [Differentiable]
            public static double Loss(Tensor x, Tensor b, double s)
            {
                {{body}}
            }
        }
        """;

    private static string Generated(string body)
    {
        var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(Source(body)));
        Assert.Empty(result.Diagnostics);
        GeneratorHarness.Build(Source(body));
        return GeneratorHarness.GeneratedText(result, "Fit.Loss(");
    }

    [Fact]
    public void A_nested_chain_becomes_the_fused_call()
    {
        string code = Generated("return Ops.Total(Ops.Square(Ops.Plus(x, b), s));");

        Assert.Contains("Ops.PlusSquare(x, b, s)", code, StringComparison.Ordinal);
        Assert.Contains("Ops.PlusSquareBackward(", code, StringComparison.Ordinal);
        Assert.DoesNotContain("Ops.Plus(", code, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_through_locals_and_an_inlined_layer_becomes_the_fused_call()
    {
        string code = Generated("var h = new Layer().Forward(x, b); var y = Ops.Square(h, s); return Ops.Total(y);");

        Assert.Contains("Ops.PlusSquare(", code, StringComparison.Ordinal);
        Assert.DoesNotContain("Ops.Plus(", code, StringComparison.Ordinal);
    }

    [Fact]
    public void An_intermediate_used_twice_is_not_fused()
    {
        string code = Generated("var h = Ops.Plus(x, b); return Ops.Total(Ops.Square(h, s)) + Ops.Total(h);");

        Assert.DoesNotContain("PlusSquare", code, StringComparison.Ordinal);
        Assert.Contains("Ops.Plus(", code, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operand_changed_between_the_two_calls_stops_the_fusion()
    {
        string code = Generated("var h = Ops.Plus(x, b); x = Ops.Plus(b, b); return Ops.Total(Ops.Square(h, s)) + Ops.Total(x);");

        Assert.DoesNotContain("PlusSquare", code, StringComparison.Ordinal);
    }
}
