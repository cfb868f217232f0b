namespace DiffGen.Generator.Model;

/// <summary>How a parameter's gradient is handed back.</summary>
internal enum GradientKind
{
    /// <summary>The parameter gets no gradient ([NoDiff], or a type that cannot carry one).</summary>
    None,

    /// <summary><c>out double</c> / <c>out float</c>.</summary>
    Scalar,

    /// <summary>A caller-provided <c>Span&lt;double&gt;</c> / <c>Span&lt;float&gt;</c> of the input's length.</summary>
    Buffer,
}

/// <summary>A parameter of a differentiable method (or of a callee), and the gradient output it gets.</summary>
internal sealed record ParamInfo(string Name, TypeRef Type, ArgKind RefKind, GradientKind Gradient, string GradientName)
{
    public bool IsDifferentiable => Gradient != GradientKind.None;
}

/// <summary>A type that contains the method, as the emitter must redeclare it: <c>partial class Outer&lt;T&gt;</c>.</summary>
internal sealed record ContainingType(string Keyword, string NameWithTypeParameters, bool IsStatic);

/// <summary>How a call can be differentiated.</summary>
internal enum CalleeKind
{
    /// <summary>Not a differentiable method: the call must stay inactive.</summary>
    None,

    /// <summary>A <c>[Differentiable]</c> method: its generated <c>...WithGradient</c> is called.</summary>
    Differentiable,

    /// <summary>A method with a <c>[DerivativeOf]</c> rule found next to it.</summary>
    Rule,

    /// <summary>No derivative found next to the method; a <c>[DerivativeOf(typeof(T), ...)]</c> elsewhere may supply one.</summary>
    Unresolved,
}

/// <summary>
/// What the front end knows about a called method. <see cref="Key"/> identifies it across the compilation;
/// <see cref="Parameters"/> says which arguments get gradients from its derivative.
/// </summary>
internal sealed record CalleeInfo(
    CalleeKind Kind,
    string Key,
    string DisplayName,
    bool IsInSource,
    string DerivativeOwner,
    string DerivativeName,
    bool DerivativeIsStatic,
    EquatableArray<ParamInfo> Parameters)
{
    public static CalleeInfo NotDifferentiable(string key, string displayName) =>
        new(CalleeKind.None, key, displayName, false, string.Empty, string.Empty, true, EquatableArray<ParamInfo>.Empty);
}

/// <summary>
/// Everything the transforms and the emitter need about one <c>[Differentiable]</c> method, with no Roslyn object
/// and no source location in it (so that moving the method does not re-emit it).
/// </summary>
internal sealed record MethodModel(
    string Key,
    string HintName,
    string? Namespace,
    EquatableArray<ContainingType> Containers,
    string Name,
    string Accessibility,
    bool IsStatic,
    TypeRef ReturnType,
    EquatableArray<ParamInfo> Parameters,
    EquatableArray<Var> ParameterVars,
    Var Result,
    Var? This,
    Block Body,
    int NextVarId,
    int NextLoopId,
    string GeneratedName,
    EquatableArray<string> RequiredCallees);

/// <summary>
/// The generated method: the source method's header, and a body that runs the forward sweep (recording what the
/// reverse sweep needs) and then the reverse sweep. <see cref="Gradients"/> holds, for each differentiable parameter
/// in order, the variable of its gradient output.
/// </summary>
internal sealed record GradientMethod(
    MethodModel Method,
    Block Body,
    EquatableArray<Var> Gradients,
    bool UsesTape,
    string ReverseLabel);
