using DiffGen.EndToEnd.Tests.Objectives;
using C = DiffGen.EndToEnd.Tests.Objectives.Constructs;

namespace DiffGen.EndToEnd.Tests;

/// <summary>Every construct of the supported subset, checked against finite differences at random points.</summary>
public class ConstructTests
{
    public static TheoryData<string> Names => new(Cases.Keys.Order(StringComparer.Ordinal));

    private static readonly Dictionary<string, (Objective F, ObjectiveWithGradient G, double[] Point)> Cases = new()
    {
        ["Arithmetic"] = (p => C.Arithmetic(p[0], p[1], p[2]), (p, g) => C.ArithmeticWithGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]), [0.3, -0.7, 1.1]),
        ["Reassigned"] = (p => C.Reassigned(p[0], p[1]), (p, g) => C.ReassignedWithGradient(p[0], p[1], out g[0], out g[1]), [0.8, -0.4]),
        ["Increments"] = (p => C.Increments(p[0]), (p, g) => C.IncrementsWithGradient(p[0], out g[0]), [0.6]),
        ["Branches"] = (p => C.Branches(p[0], p[1]), (p, g) => C.BranchesWithGradient(p[0], p[1], out g[0], out g[1]), [0.4, 0.9]),
        ["SwitchStatement0"] = (p => C.SwitchStatement(p[0], 0), (p, g) => C.SwitchStatementWithGradient(p[0], 0, out g[0]), [0.7]),
        ["SwitchStatement2"] = (p => C.SwitchStatement(p[0], 2), (p, g) => C.SwitchStatementWithGradient(p[0], 2, out g[0]), [0.7]),
        ["SwitchStatement9"] = (p => C.SwitchStatement(p[0], 9), (p, g) => C.SwitchStatementWithGradient(p[0], 9, out g[0]), [0.7]),
        ["SwitchExpression"] = (p => C.SwitchExpression(p[0], p[1]), (p, g) => C.SwitchExpressionWithGradient(p[0], p[1], out g[0], out g[1]), [0.2, 0.9]),
        ["ConditionOnDifferentiableValue"] = (p => C.ConditionOnDifferentiableValue(p[0], p[1]), (p, g) => C.ConditionOnDifferentiableValueWithGradient(p[0], p[1], out g[0], out g[1]), [0.9, 0.8]),
        ["NestedLoops"] = (p => C.NestedLoops(p.ToArray(), 3), (p, g) => C.NestedLoopsWithGradient(p.ToArray(), 3, g), [0.5, -0.3, 0.8, 1.2]),
        ["WhileWithDataDependentTrips"] = (p => C.WhileWithDataDependentTrips(p[0]), (p, g) => C.WhileWithDataDependentTripsWithGradient(p[0], out g[0]), [1.3]),
        ["DoWhile"] = (p => C.DoWhile(p[0]), (p, g) => C.DoWhileWithGradient(p[0], out g[0]), [0.4]),
        ["ForEachOverArray"] = (p => C.ForEachOverArray(p.ToArray()), (p, g) => C.ForEachOverArrayWithGradient(p.ToArray(), g), [0.5, -1.2, 0.7]),
        ["ForEachOverSpan"] = (p => C.ForEachOverSpan(p, [1, 2, 3]), (p, g) => C.ForEachOverSpanWithGradient(p, [1, 2, 3], g), [0.5, -1.2, 0.7]),
        ["BreakAndContinue"] = (p => C.BreakAndContinue(p.ToArray()), (p, g) => C.BreakAndContinueWithGradient(p.ToArray(), g), [0.9, -1.5, 1.1, 0.8, 1.4, 0.6]),
        ["EarlyReturnFromLoop"] = (p => C.EarlyReturnFromLoop(p.ToArray()), (p, g) => C.EarlyReturnFromLoopWithGradient(p.ToArray(), g), [1.5, 1.4, 1.7, 0.9]),
        ["NonCountedFor"] = (p => C.NonCountedFor(p[0], 9), (p, g) => C.NonCountedForWithGradient(p[0], 9, out g[0]), [0.3]),
        ["ReverseCountedLoop"] = (p => C.ReverseCountedLoop(p.ToArray()), (p, g) => C.ReverseCountedLoopWithGradient(p.ToArray(), g), [0.3, -0.6, 1.1]),
        ["LocalArray"] = (p => C.LocalArray(p.ToArray()), (p, g) => C.LocalArrayWithGradient(p.ToArray(), g), [0.3, -0.6, 1.1, 0.2]),
        ["OverwrittenElement"] = (p => C.OverwrittenElement(p.ToArray()), (p, g) => C.OverwrittenElementWithGradient(p.ToArray(), g), [0.3, -0.6, 1.1, 0.2]),
        ["StackAllocSpan"] = (p => C.StackAllocSpan(p.ToArray()), (p, g) => C.StackAllocSpanWithGradient(p.ToArray(), g), [0.3, -0.6, 0.4]),
        ["ArrayCreatedInLoop"] = (p => C.ArrayCreatedInLoop(p.ToArray()), (p, g) => C.ArrayCreatedInLoopWithGradient(p.ToArray(), g), [0.3, -0.6, 0.4]),
        ["SpanInput"] = (p => C.SpanInput(p.ToArray(), [1, 0, -1]), (p, g) => C.SpanInputWithGradient(p.ToArray(), [1, 0, -1], g), [0.3, -0.6, 0.4]),
        ["Trigonometry"] = (p => C.Trigonometry(p[0], p[1]), (p, g) => C.TrigonometryWithGradient(p[0], p[1], out g[0], out g[1]), [0.4, -0.8]),
        ["Hyperbolic"] = (p => C.Hyperbolic(p[0], p[1]), (p, g) => C.HyperbolicWithGradient(p[0], p[1], out g[0], out g[1]), [0.4, -0.8]),
        ["ExpAndLogs"] = (p => C.ExpAndLogs(p[0], p[1]), (p, g) => C.ExpAndLogsWithGradient(p[0], p[1], out g[0], out g[1]), [0.4, -0.8]),
        ["Powers"] = (p => C.Powers(p[0], p[1]), (p, g) => C.PowersWithGradient(p[0], p[1], out g[0], out g[1]), [0.4, 0.8]),
        ["Piecewise"] = (p => C.Piecewise(p[0], p[1]), (p, g) => C.PiecewiseWithGradient(p[0], p[1], out g[0], out g[1]), [0.3, -0.7]),
        ["FusedAndHypot"] = (p => C.FusedAndHypot(p[0], p[1], p[2]), (p, g) => C.FusedAndHypotWithGradient(p[0], p[1], p[2], out g[0], out g[1], out g[2]), [0.3, -0.7, 1.2]),
        ["ZeroDerivativeFunctions"] = (p => C.ZeroDerivativeFunctions(p[0], p[1]), (p, g) => C.ZeroDerivativeFunctionsWithGradient(p[0], p[1], out g[0], out g[1]), [0.3, 1.7]),
        ["GenericMathStatics"] = (p => C.GenericMathStatics(p[0], p[1]), (p, g) => C.GenericMathStaticsWithGradient(p[0], p[1], out g[0], out g[1]), [0.3, -0.7]),
        ["CallsAnother"] = (p => C.CallsAnother(p[0], p[1]), (p, g) => C.CallsAnotherWithGradient(p[0], p[1], out g[0], out g[1]), [0.3, -0.7]),
        ["Power"] = (p => C.Power(p[0], 5), (p, g) => C.PowerWithGradient(p[0], 5, out g[0]), [0.9]),
        ["UsesCustomDerivative"] = (p => C.UsesCustomDerivative(p[0], p[1]), (p, g) => C.UsesCustomDerivativeWithGradient(p[0], p[1], out g[0], out g[1]), [0.3, -0.7]),
        ["UsesRuleForAnotherType"] = (p => C.UsesRuleForAnotherType(p[0]), (p, g) => C.UsesRuleForAnotherTypeWithGradient(p[0], out g[0]), [0.4]),
        ["CallsInLoop"] = (p => C.CallsInLoop(p.ToArray()), (p, g) => C.CallsInLoopWithGradient(p.ToArray(), g), [0.3, -0.7, 0.5]),
        ["InstanceMethod"] = (p => new Model(1.5).Predict(p[0]), (p, g) => new Model(1.5).PredictWithGradient(p[0], out g[0]), [0.6]),
        ["PrivateInstanceMethod"] = (p => new Model(1.5).Private(p[0]), (p, g) => new Model(1.5).PrivateWithGradient(p[0], out g[0]), [0.6]),
        ["FusedContinueAndCounter"] = (p => Reductions.ContinueAndCounter(p[..^1].ToArray(), p[^1]), (p, g) => Reductions.ContinueAndCounterWithGradient(p[..^1].ToArray(), p[^1], g[..^1], out g[^1]), [0.4, -1.5, 0.9, 0.2, 1.3]),
        ["FusedNestedLoopsInside"] = (p => Reductions.NestedLoopsInside(p[..6].ToArray(), p[6..].ToArray(), 2), (p, g) => Reductions.NestedLoopsInsideWithGradient(p[..6].ToArray(), p[6..].ToArray(), 2, g[..6], g[6..]), [0.4, -0.5, 0.9, 0.2, -0.3, 0.7, 0.5, -0.25, 0.1]),
        ["FusedCallsWithSpans"] = (p => Reductions.CallsWithSpans(p[..^1].ToArray(), p[^1]), (p, g) => Reductions.CallsWithSpansWithGradient(p[..^1].ToArray(), p[^1], g[..^1], out g[^1]), [0.4, -0.5, 0.9, 0.3]),
        ["FusedWhileWithData"] = (p => Reductions.WhileWithData(p[0], p[1]), (p, g) => Reductions.WhileWithDataWithGradient(p[0], p[1], out g[0], out g[1]), [0.4, -0.5]),
        ["MixedPrecision"] = (p => C.MixedPrecision((float)p[0], p[1]), (p, g) => C.MixedPrecisionWithGradient((float)p[0], p[1], out float gx, out g[1]) + (g[0] = gx) * 0, [0.5, 0.25]),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_matches_finite_differences(string name)
    {
        var (f, g, point) = Cases[name];
        var options = name == "MixedPrecision"
            // The float input is rounded to float before use, so finite differences in it are only float-accurate.
            ? Check.Options with { Step = 1e-2, Tolerance = 1e-4, DirectionsPerPoint = 0, Points = 1 }
            : null;
        Check.Gradient(f, g, point, options);
    }

    [Fact]
    public void WithoutDerivative_treats_its_argument_as_a_constant()
    {
        // f = x · c + y with c = x·y held constant: df/dx = c, df/dy = 1 (finite differences would see through c).
        double value = C.StopGradientWithGradient(0.3, -0.7, out double dx, out double dy);
        Assert.Equal(0.3 * (0.3 * -0.7) - 0.7, value, 15);
        Assert.Equal(0.3 * -0.7, dx, 15);
        Assert.Equal(1.0, dy);
    }

    [Fact]
    public void CallsWithSpan_matches_finite_differences()
    {
        Check.Gradient(
            p => C.CallsWithSpan(p[..^1].ToArray(), p[^1]),
            (p, g) => C.CallsWithSpanWithGradient(p[..^1].ToArray(), p[^1], g[..^1], out g[^1]),
            [0.3, -0.7, 0.5, 1.25]);
    }

    [Fact]
    public void Float_gradient_agrees_with_the_same_function_in_double()
    {
        // Float arithmetic carries about 6e-8 relative error, so the float gradient agrees with the exact (double)
        // gradient to about 1e-6 relative; 1e-5 leaves room for the few operations involved.
        foreach (var (x, y) in new[] { (0.3f, -0.7f), (1.2f, 0.4f), (-0.8f, 1.1f) })
        {
            C.FloatFunctionWithGradient(x, y, out float dx, out float dy);
            double t = Math.Tanh((double)x * y);
            double expectedDx = Math.Cos(x) * Math.Exp(y * 0.5) + x / Math.Sqrt((double)x * x + 1) + (1 - t * t) * y;
            double expectedDy = Math.Sin(x) * 0.5 * Math.Exp(y * 0.5) + (1 - t * t) * x;
            Assert.Equal(expectedDx, dx, 1e-5 * Math.Max(1, Math.Abs(expectedDx)));
            Assert.Equal(expectedDy, dy, 1e-5 * Math.Max(1, Math.Abs(expectedDy)));
        }
    }

    [Fact]
    public void Gradient_method_returns_the_value_of_the_original()
    {
        Assert.Equal(C.Reassigned(0.8, -0.4), C.ReassignedWithGradient(0.8, -0.4, out _, out _));
        Assert.Equal(C.FloatFunction(0.3f, 0.2f), C.FloatFunctionWithGradient(0.3f, 0.2f, out _, out _));
    }

    [Fact]
    public void NoDiff_parameters_and_other_types_get_no_gradient_output()
    {
        var method = typeof(C).GetMethod(nameof(C.NestedLoopsWithGradient))!;
        Assert.Equal(["xs", "rounds", "dxs"], method.GetParameters().Select(p => p.Name));
    }
}
