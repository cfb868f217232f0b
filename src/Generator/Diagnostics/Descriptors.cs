using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DiffGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic DiffGen reports, in one catalog. Ranges: DG00xx the declaration's shape, DG01xx what lowering
/// the body finds, DG02xx use of the API (<c>[DerivativeOf]</c>), DG09xx internal. Each has a page
/// <c>docs/diagnostics/DGxxxx.md</c> with a wrong and a right example.
/// </summary>
internal static class Descriptors
{
    private const string HelpRoot = "https://github.com/diffgen/DiffGen/blob/main/docs/diagnostics/";
    private const string Declaration = "DiffGen.Declaration";
    private const string Body = "DiffGen.Body";
    private const string Api = "DiffGen.Api";
    private const string Internal = "DiffGen.Internal";

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "DG0001", Declaration,
        "A type DiffGen adds code to must be partial",
        "'{0}' must be declared partial so that DiffGen can add '{1}' to it");

    public static readonly DiagnosticDescriptor ReturnTypeNotDifferentiable = Error(
        "DG0002", Declaration,
        "A [Differentiable] method must return double, float or Tensor",
        "'{0}' returns '{1}'; a [Differentiable] method must return double or float (or a Tensor, for a layer that other [Differentiable] methods call)");

    public static readonly DiagnosticDescriptor ParameterNotSupported = Error(
        "DG0003", Declaration,
        "A parameter has a form DiffGen cannot differentiate",
        "Parameter '{0}' is {1}; pass differentiable values by value (double, float, double[], float[], Span<T> or ReadOnlySpan<T>), or mark it [NoDiff]");

    public static readonly DiagnosticDescriptor MethodShapeNotSupported = Error(
        "DG0004", Declaration,
        "This kind of method cannot be [Differentiable]",
        "'{0}' is {1}; a [Differentiable] method must be an ordinary non-generic method with a body");

    public static readonly DiagnosticDescriptor NoDerivative = Error(
        "DG0101", Body,
        "A call on the differentiable path has no derivative",
        "'{0}' has no derivative: mark it [Differentiable], declare one with [DerivativeOf], or wrap what flows into it in WithoutDerivative(...) if no gradient should pass");

    public static readonly DiagnosticDescriptor UnsupportedConstruct = Error(
        "DG0102", Body,
        "A construct in a [Differentiable] method is not supported",
        "{0} is not supported in a [Differentiable] method{1}");

    public static readonly DiagnosticDescriptor CapturedDifferentiableValue = Error(
        "DG0103", Body,
        "A lambda or local function uses a differentiable value",
        "This {0} uses '{1}', which carries a derivative; DiffGen cannot differentiate through it. Compute the value in the method body, or wrap it in WithoutDerivative(...) if no gradient should pass");

    public static readonly DiagnosticDescriptor WriteToParameter = Error(
        "DG0104", Body,
        "A [Differentiable] method writes into a parameter's elements",
        "Writing into the elements of parameter '{0}' is not supported on the differentiable path; copy it into a local array (new {1}[n]) or a stackalloc span and write there");

    public static readonly DiagnosticDescriptor StackAllocInLoop = Error(
        "DG0105", Body,
        "stackalloc inside a loop",
        "'stackalloc' inside a loop is not supported in a [Differentiable] method (each iteration would need its own buffer until the reverse sweep); allocate the buffer once before the loop");

    public static readonly DiagnosticDescriptor RefAliasing = Error(
        "DG0106", Body,
        "A reference alias of differentiable data",
        "{0} makes another name for differentiable data '{1}'; DiffGen cannot follow derivatives through aliases. Read and write the data through its own name");

    public static readonly DiagnosticDescriptor CalleeNotDifferentiable = Error(
        "DG0107", Body,
        "A called [Differentiable] method cannot be differentiated",
        "'{0}' is [Differentiable] but DiffGen could not differentiate it (see its own errors), so this call has no derivative");

    public static readonly DiagnosticDescriptor ArrayReassigned = Error(
        "DG0108", Body,
        "A differentiable array variable is reassigned or aliased",
        "'{0}' holds differentiable data and is {1}; give each array its own variable, assigned once where it is created");

    public static readonly DiagnosticDescriptor ParameterNeverReachesResult = Warning(
        "DG0109", Body,
        "A differentiable parameter never reaches the result",
        "Parameter '{0}' never reaches the result of '{1}', so its gradient is always zero; mark it [NoDiff] if it is data");

    public static readonly DiagnosticDescriptor ResultIndependentOfParameters = Warning(
        "DG0110", Body,
        "The result does not depend on any differentiable parameter",
        "The result of '{0}' does not depend on any differentiable parameter, so every gradient it returns is zero; make a differentiable input reach the returned value");

    public static readonly DiagnosticDescriptor ZeroDerivative = Warning(
        "DG0111", Body,
        "An operation with a zero derivative on a differentiable value",
        "{0} has a zero derivative almost everywhere, so no gradient passes through it; wrap it in WithoutDerivative(...) if that is intended");

    public static readonly DiagnosticDescriptor GradientLostInCall = Warning(
        "DG0112", Body,
        "A differentiable value is handed to a call whose result is not used",
        "'{0}' carries a derivative and is passed to '{1}', whose result is not used: whatever the call stores or records gets no gradient; wrap the argument in WithoutDerivative(...) if that is intended");

    public static readonly DiagnosticDescriptor DerivativeTargetNotFound = Error(
        "DG0201", Api,
        "The target of [DerivativeOf] does not exist",
        "[DerivativeOf] names '{0}', but {1}");

    public static readonly DiagnosticDescriptor DerivativeSignatureMismatch = Error(
        "DG0202", Api,
        "A [DerivativeOf] method does not have the signature its target needs",
        "'{0}' is declared as the derivative of '{1}', so its signature must be: {2}");

    public static readonly DiagnosticDescriptor DifferentiableAndRule = Error(
        "DG0203", Api,
        "A method is both [Differentiable] and has a [DerivativeOf] rule",
        "'{0}' is [Differentiable] and '{1}' is declared as its derivative; remove [Differentiable] to use the rule, or remove the rule to have the derivative generated");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "DG0901", Internal,
        "DiffGen failed unexpectedly",
        "DiffGen could not process '{0}': {1}. Please report this with the method's code.");

    /// <summary>Every descriptor, by id.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = Index(
        NotPartial, ReturnTypeNotDifferentiable, ParameterNotSupported, MethodShapeNotSupported,
        NoDerivative, UnsupportedConstruct, CapturedDifferentiableValue, WriteToParameter, StackAllocInLoop,
        RefAliasing, CalleeNotDifferentiable, ArrayReassigned, ParameterNeverReachesResult, ResultIndependentOfParameters, ZeroDerivative,
        GradientLostInCall, DerivativeTargetNotFound, DerivativeSignatureMismatch, DifferentiableAndRule, InternalError);

    /// <summary>
    /// The diagnostics the analyzers report (DiffGen.Analyzers), as the developer types: the declaration's shape and
    /// the warnings of activity analysis. The generator reports the others, and only skips what these stop.
    /// </summary>
    public static readonly IReadOnlyList<DiagnosticDescriptor> ReportedByAnalyzers =
    [
        NotPartial, ReturnTypeNotDifferentiable, ParameterNotSupported, MethodShapeNotSupported,
        ParameterNeverReachesResult, ResultIndependentOfParameters, ZeroDerivative, GradientLostInCall,
    ];

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var byId = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var d in descriptors)
        {
            byId.Add(d.Id, d);
        }

        return byId;
    }
}
