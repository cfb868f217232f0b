using System.Collections.Generic;

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

    /// <summary>A caller-provided <c>Tensor</c> of the input's shape.</summary>
    Tensor,
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

    /// <summary>A method with a <c>[DerivativeOf]</c> rule found next to it, of the <c>...WithGradient</c> form.</summary>
    Rule,

    /// <summary>
    /// A method with a backward rule next to it (the form for tensors: it takes the upstream gradient and adds into
    /// the inputs' gradients).
    /// </summary>
    BackwardRule,

    /// <summary>A <c>[Differentiable]</c> method in source that works on tensors: its body is inlined into the caller.</summary>
    Inline,

    /// <summary>No derivative found next to the method; a <c>[DerivativeOf(typeof(T), ...)]</c> elsewhere may supply one.</summary>
    Unresolved,
}

/// <summary>
/// What the front end knows about a called method. <see cref="Key"/> identifies it across the compilation;
/// <see cref="Parameters"/> says which arguments get gradients from its derivative. <see cref="Backward"/> says that its
/// derivative takes the backward form (it works on tensors): then <see cref="Parameters"/> starts with the receiver
/// (<c>self</c>) for an instance method, and <see cref="Inputs"/> lines the call's operands up with them.
/// </summary>
internal sealed record CalleeInfo(
    CalleeKind Kind,
    string Key,
    string DisplayName,
    bool IsInSource,
    string DerivativeOwner,
    string DerivativeName,
    bool DerivativeIsStatic,
    EquatableArray<ParamInfo> Parameters,
    bool Backward = false)
{
    public static CalleeInfo NotDifferentiable(string key, string displayName) =>
        new(CalleeKind.None, key, displayName, false, string.Empty, string.Empty, true, EquatableArray<ParamInfo>.Empty);

    /// <summary>The operands of <paramref name="call"/> in the order of <see cref="Parameters"/>: the receiver first for a backward-form instance call.</summary>
    public static List<Expr> Inputs(Invoke call)
    {
        var inputs = new List<Expr>(call.Args.Count + 1);
        if (call.Callee.Backward && call.Receiver is not null)
        {
            inputs.Add(call.Receiver);
        }

        foreach (var arg in call.Args)
        {
            inputs.Add(arg.Value);
        }

        return inputs;
    }
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
/// in order, the variable of its gradient output. <see cref="UsesTensors"/>: the method works on tensors, so it runs in
/// a <c>TensorArena</c> scope. <see cref="ReadsParameters"/>: it reads model parameters, whose gradients it adds into
/// their <c>Grad</c>.
/// </summary>
internal sealed record GradientMethod(
    MethodModel Method,
    Block Body,
    EquatableArray<Var> Gradients,
    bool UsesTape,
    string ReverseLabel,
    bool UsesTensors = false,
    bool ReadsParameters = false);
