namespace DiffGen.Generator.Model;

// DiffGen's intermediate representation: a small structured imperative language. The front end lowers a
// method's IOperation tree into it; the transforms rewrite it (the reverse sweep is again this IR, with tape
// operations); the emitter prints it as C#. Everything is an equatable record with no Roslyn object in it, so
// that the incremental pipeline can cache it.
//
// Invariants established by lowering:
// - expressions have no side effects; a call that is not a pure intrinsic only appears as the whole value of
//   an Assign or as an ExprStmt;
// - conditions of If and Loop are pure;
// - compound assignments and increments are plain Assigns.

/// <summary>A variable: a parameter, a user local, or one the generator introduces. Identified by <see cref="Id"/>.</summary>
internal sealed record Var(int Id, string Name, TypeRef Type, VarKind Kind)
{
    public override string ToString() => Name + "#" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal enum VarKind
{
    Parameter,

    /// <summary>A local the user declared.</summary>
    Local,

    /// <summary>A value the front end or a transform introduced.</summary>
    Temp,

    /// <summary>The value the method returns (every <c>return e</c> assigns it).</summary>
    Result,

    /// <summary>The <c>this</c> reference.</summary>
    This,
}

internal enum UnaryOp
{
    Negate,
    Plus,
    Not,
    BitwiseNot,
}

internal enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,

    /// <summary>Short-circuit <c>&amp;&amp;</c>.</summary>
    AndAlso,

    /// <summary>Short-circuit <c>||</c>.</summary>
    OrElse,
    And,
    Or,
    ExclusiveOr,
    LeftShift,
    RightShift,
    UnsignedRightShift,
}

/// <summary>The pure math functions the generator knows the derivatives of.</summary>
internal enum IntrinsicKind
{
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Log,
    LogBase,
    Log10,
    Log2,
    Sqrt,
    Cbrt,
    Pow,
    Abs,
    Min,
    Max,
    Clamp,
    FusedMultiplyAdd,
    Hypot,

    // Zero derivative almost everywhere.
    Floor,
    Ceiling,
    Round,
    Truncate,
    Sign,

    /// <summary><c>Differentiation.WithoutDerivative(x)</c>: the identity with a zero derivative.</summary>
    WithoutDerivative,
}

/// <summary>Base of all expressions.</summary>
internal abstract record Expr(TypeRef Type);

/// <summary>A literal, already spelled as invariant-culture C# (<c>2.0</c>, <c>1E-10F</c>, <c>true</c>, <c>"text"</c>).</summary>
internal sealed record Literal(TypeRef Type, string Code) : Expr(Type);

internal sealed record VarRef(Var Var) : Expr(Var.Type);

internal sealed record Unary(UnaryOp Op, Expr Operand, TypeRef Type) : Expr(Type);

internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right, TypeRef Type) : Expr(Type);

internal sealed record Conditional(Expr Condition, Expr WhenTrue, Expr WhenFalse, TypeRef Type) : Expr(Type);

/// <summary>A numeric conversion (or any other conversion the emitter spells as a cast).</summary>
internal sealed record Convert(Expr Operand, TypeRef Type, bool IsChecked) : Expr(Type);

/// <summary>
/// A call to a known math function. <see cref="Owner"/> is the class the user called it on
/// (<c>global::System.Math</c>, <c>global::System.MathF</c>, <c>double</c>, <c>float</c>) so the emitter writes the
/// same call back; derivatives use the same owner. Arguments that are not numbers (the <c>MidpointRounding</c> of
/// <c>Round</c>, say) are passed through.
/// </summary>
internal sealed record Intrinsic(IntrinsicKind Kind, string Owner, EquatableArray<Expr> Args, TypeRef Type) : Expr(Type);

/// <summary>Reading an element of an array or span.</summary>
internal sealed record ElementAt(Expr Collection, Expr Index, TypeRef Type) : Expr(Type);

/// <summary>The <c>Length</c> of an array or span.</summary>
internal sealed record LengthOf(Expr Collection) : Expr(TypeRef.Int);

/// <summary>Reading a field or property (never differentiated). <see cref="Receiver"/> is null for a static member of <see cref="Owner"/>.</summary>
internal sealed record MemberRead(Expr? Receiver, string Owner, string Name, TypeRef Type) : Expr(Type);

/// <summary>How an argument is passed.</summary>
internal enum ArgKind
{
    Value,
    In,
    Ref,
    Out,
}

internal sealed record Argument(Expr Value, ArgKind Kind);

/// <summary>
/// A call to a method that is not an intrinsic. <see cref="Receiver"/> is null for a static call on <see cref="Owner"/>.
/// <see cref="Callee"/> says whether and how it can be differentiated.
/// </summary>
/// <remarks>A user-defined operator has <see cref="Operator"/> set (<c>+</c>, <c>-</c>, ...): C# spells the call as the operator.</remarks>
internal sealed record Invoke(Expr? Receiver, string Owner, string Name, EquatableArray<Argument> Args, TypeRef Type, CalleeInfo Callee, int Site, string? Operator = null) : Expr(Type);

/// <summary>
/// The value of a <c>Parameter</c> (<c>p.Value</c>), used as a tensor: a differentiable input whose gradient adds into
/// <c>p.Grad</c>. <see cref="Parameter"/> is a stable expression (a field read), read again in the reverse sweep.
/// </summary>
internal sealed record ParameterValue(Expr Parameter) : Expr(TypeRef.Tensor);

/// <summary><c>new T[length]</c>.</summary>
internal sealed record NewArray(TypeRef Element, Expr Length) : Expr(TypeRef.ArrayOf(Element));

/// <summary><c>stackalloc T[length]</c>, typed as <c>Span&lt;T&gt;</c>.</summary>
internal sealed record StackAlloc(TypeRef Element, Expr Length) : Expr(TypeRef.SpanOf(Element));

/// <summary><c>new T(args)</c> (never differentiated).</summary>
internal sealed record NewObject(EquatableArray<Argument> Args, TypeRef Type) : Expr(Type);

/// <summary><c>default(T)</c>.</summary>
internal sealed record DefaultOf(TypeRef Type) : Expr(Type);

/// <summary><c>this</c>.</summary>
internal sealed record ThisRef(TypeRef Type) : Expr(Type);

/// <summary><c>nameof</c>-style text or an interpolated message: C# already spelled out, with no variable in it.</summary>
internal sealed record Verbatim(string Code, TypeRef Type) : Expr(Type);

/// <summary>One piece of an interpolated string: text, or a value with its alignment and format.</summary>
internal sealed record InterpolationPart(string? Text, Expr? Value, string? Alignment, string? Format);

/// <summary>An interpolated string (<c>$"..."</c>), as in exception messages.</summary>
internal sealed record Interpolated(EquatableArray<InterpolationPart> Parts) : Expr(new TypeRef(TypeKind.Other, "string"));

// ---- Expressions that only transforms produce ----

/// <summary>Takes back the last value of this type the forward sweep recorded on the tape.</summary>
internal sealed record TapePop(TypeRef Type) : Expr(Type);

/// <summary>Rents a scratch span of <see cref="Element"/> from the tape, zeroed unless <see cref="Uncleared"/> (for a callee that overwrites it).</summary>
internal sealed record TapeRent(TypeRef Element, Expr Length, bool Uncleared = false) : Expr(TypeRef.SpanOf(Element));

/// <summary>A read-only span over the last <see cref="Length"/> recorded values of <see cref="Element"/>, popped.</summary>
internal sealed record TapePopSpan(TypeRef Element, Expr Length) : Expr(TypeRef.ReadOnlySpanOf(Element));

/// <summary>Base of all statements.</summary>
internal abstract record Stmt;

/// <summary>
/// <c>target = value;</c> where the target is a <see cref="VarRef"/> or an <see cref="ElementAt"/>. <see cref="Site"/>
/// indexes the source location (kept apart from the IR) for diagnostics, or is -1.
/// </summary>
internal sealed record Assign(Expr Target, Expr Value, int Site = -1) : Stmt;

/// <summary><c>target += value;</c> (transforms use it to accumulate adjoints).</summary>
internal sealed record AddAssign(Expr Target, Expr Value) : Stmt;

/// <summary>An expression evaluated for its side effects (a call).</summary>
internal sealed record ExprStmt(Expr Value) : Stmt;

internal sealed record Block(EquatableArray<Stmt> Statements) : Stmt
{
    public static readonly Block Empty = new(EquatableArray<Stmt>.Empty);
}

internal sealed record If(Expr Condition, Block Then, Block Else) : Stmt;

/// <summary>
/// A loop. When <see cref="Index"/> is set the loop is counted: <c>for (int i = Start; Condition; i += Step)</c>
/// with <c>i</c> assigned nowhere else, so the reverse sweep can recompute it. Otherwise it is
/// <c>while (Condition) { Body; Increment }</c> (<see cref="Condition"/> null means <c>true</c>), or, when
/// <see cref="IsDoWhile"/>, <c>do { Body } while (Condition)</c>. <c>continue</c> goes to the increment.
/// </summary>
internal sealed record Loop(int Id, Var? Index, Expr? Start, int Step, Expr? Condition, Block Body, Block Increment, bool IsDoWhile) : Stmt;

internal sealed record Break(int LoopId) : Stmt;

internal sealed record Continue(int LoopId) : Stmt;

/// <summary>Leaves the method; in lowered code the value has already been assigned to the result variable.</summary>
internal sealed record Return : Stmt;

internal sealed record Throw(Expr Exception) : Stmt;

/// <summary>
/// A call to the derivative of <see cref="Call"/>'s callee (its <c>...WithGradient</c> or its rule), with the gradient
/// outputs appended. The emitter spells the callee from <see cref="Invoke.Callee"/>, or, for a rule found elsewhere in
/// the compilation, from the registry.
/// </summary>
internal sealed record DerivativeCall(Invoke Call, EquatableArray<Argument> Outputs) : Expr(Call.Type);

/// <summary>
/// A call to the backward rule of <see cref="Call"/>'s callee (see docs/tensors.md): <see cref="Args"/> are the upstream
/// gradient, the result, the call's operands (receiver first) and one gradient per differentiable parameter.
/// </summary>
internal sealed record BackwardInvoke(Invoke Call, EquatableArray<Argument> Args) : Expr(TypeRef.Void);

// ---- Statements that only transforms produce ----

/// <summary>Records a value on the tape.</summary>
internal sealed record TapePush(Expr Value) : Stmt;

/// <summary>Records every element of a span on the tape.</summary>
internal sealed record TapePushSpan(Expr Span) : Stmt;

/// <summary>A comment line in the emitted code.</summary>
internal sealed record Comment(string Text) : Stmt;

/// <summary>A comment that shows a statement as C# (the forward statement a piece of the reverse sweep undoes).</summary>
internal sealed record CommentOf(Stmt Statement) : Stmt;

/// <summary>Jumps to <see cref="Label"/> (the emitter's way out of nested loops to the reverse sweep).</summary>
internal sealed record GoTo(string Label) : Stmt;

internal sealed record LabelStmt(string Label) : Stmt;

/// <summary>Returns a value from the generated method.</summary>
internal sealed record ReturnValue(Expr? Value) : Stmt;

/// <summary>Remembers the tape's scratch position in <see cref="Mark"/>, to release what is rented after it.</summary>
internal sealed record ScratchMark(Var Mark, TypeRef Element) : Stmt;

internal sealed record ScratchRelease(Var Mark, TypeRef Element) : Stmt;

/// <summary>
/// A loop with a fresh index over an inclusive range, by one: <c>for (int v = first; v &gt;= last; v--)</c> when
/// <see cref="Step"/> is -1, <c>v &lt;= last; v++</c> when it is 1 (reverse sweeps).
/// </summary>
internal sealed record Range(Var Counter, Expr First, Expr Last, int Step, Block Body) : Stmt;

/// <summary>Declares a variable with an initial value at this point (forces the declaration here).</summary>
internal sealed record Declare(Var Var, Expr? Initial) : Stmt;
