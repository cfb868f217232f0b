using System;

namespace DiffGen;

/// <summary>
/// Declares that the marked method computes <c>outer(inner(a₁, ..., aₖ), b₁, ..., bₘ)</c> in one pass: the generator
/// replaces that chain by a call to it wherever the intermediate value is used for nothing else, and then uses the
/// marked method's own backward rule. This is how the runtime fuses a bias add with its activation; a user can declare
/// fused forms of their own operations the same way.
/// </summary>
/// <remarks>
/// <para>
/// The marked method is static and declared in the same type as <c>outer</c>. Its parameters are <c>inner</c>'s
/// parameters followed by <c>outer</c>'s parameters after the first (which takes <c>inner</c>'s result); it returns what
/// <c>outer</c> returns, and must have a backward rule (<see cref="DerivativeOfAttribute"/>) like any operation.
/// </para>
/// <code>
/// [FusedForm(typeof(Tensor), "op_Addition", nameof(Relu))]    // Relu(a + b)
/// public static Tensor AddRelu(Tensor a, Tensor b) { ... }
/// </code>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class FusedFormAttribute : Attribute
{
    /// <summary>Declares a fused form of <paramref name="outer"/> applied to <paramref name="inner"/>, both of the marked method's type.</summary>
    /// <param name="inner">The name of the operation applied first.</param>
    /// <param name="outer">The name of the operation applied to its result.</param>
    public FusedFormAttribute(string inner, string outer)
    {
        Inner = inner;
        Outer = outer;
    }

    /// <summary>Declares a fused form of <paramref name="outer"/> (of the marked method's type) applied to <paramref name="inner"/> of <paramref name="innerType"/>.</summary>
    /// <param name="innerType">The type that declares <paramref name="inner"/>.</param>
    /// <param name="inner">The name of the operation applied first (<c>op_Addition</c> for the <c>+</c> operator).</param>
    /// <param name="outer">The name of the operation applied to its result.</param>
    public FusedFormAttribute(Type innerType, string inner, string outer)
    {
        InnerType = innerType;
        Inner = inner;
        Outer = outer;
    }

    /// <summary>The type that declares <see cref="Inner"/>, or <see langword="null"/> for the marked method's type.</summary>
    public Type? InnerType { get; }

    /// <summary>The name of the operation applied first.</summary>
    public string Inner { get; }

    /// <summary>The name of the operation applied to its result.</summary>
    public string Outer { get; }
}
