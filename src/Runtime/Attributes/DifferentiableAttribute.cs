using System;

namespace DiffGen;

/// <summary>
/// Marks a method whose exact gradient DiffGen's source generator emits at compile time.
/// </summary>
/// <remarks>
/// <para>
/// For a method <c>R F(P1 p1, ..., Pn pn)</c> in a <see langword="partial"/> type, where <c>R</c> is
/// <see cref="double"/> or <see cref="float"/>, the generator adds to the same type, with the same
/// accessibility and static-ness:
/// </para>
/// <code>R FWithGradient(P1 p1, ..., Pn pn, &lt;one gradient output per differentiable parameter&gt;)</code>
/// <para>
/// It returns the value of <c>F</c>. The gradient outputs follow the original parameters in the order of the
/// differentiable parameters: <c>out double</c> / <c>out float</c> for a scalar, and a
/// <see cref="Span{T}"/> of the element type for a <c>double[]</c>, <c>float[]</c>, <see cref="ReadOnlySpan{T}"/>
/// or <see cref="Span{T}"/> input. The caller passes a buffer of the input's length; the method overwrites it
/// and throws <see cref="ArgumentException"/> naming the parameter if the length differs.
/// Parameters of any other type, and parameters marked <see cref="NoDiffAttribute"/>, get no output.
/// </para>
/// <para>What cannot be differentiated exactly is a compile-time error (ids <c>DG01xx</c>) at that expression.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DifferentiableAttribute : Attribute
{
}

/// <summary>
/// Marks a parameter of a <see cref="DifferentiableAttribute">[Differentiable]</see> method as data: it gets
/// no gradient output and no gradient work is spent on it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoDiffAttribute : Attribute
{
}

/// <summary>
/// Declares that the method it marks is the derivative of another method, so that
/// <see cref="DifferentiableAttribute">[Differentiable]</see> code can call that method.
/// </summary>
/// <remarks>
/// The marked method has exactly the signature the generator would emit for the target:
/// <c>R FWithGradient(P1 p1, ..., Pn pn, &lt;one gradient output per differentiable parameter&gt;)</c>,
/// with the same static-ness. Use <see cref="DerivativeOfAttribute(string)"/> for a method of the same type and
/// <see cref="DerivativeOfAttribute(Type, string)"/> for a method of another type, including types you do not own.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    /// <summary>The marked method is the derivative of the method <paramref name="methodName"/> of the same type.</summary>
    /// <param name="methodName">The target's name; write it with <see langword="nameof"/>.</param>
    public DerivativeOfAttribute(string methodName)
    {
        MethodName = methodName;
    }

    /// <summary>The marked method is the derivative of the static method <paramref name="methodName"/> of <paramref name="type"/>.</summary>
    /// <param name="type">The type that declares the target.</param>
    /// <param name="methodName">The target's name; write it with <see langword="nameof"/>.</param>
    public DerivativeOfAttribute(Type type, string methodName)
    {
        Type = type;
        MethodName = methodName;
    }

    /// <summary>The type that declares the target, or <see langword="null"/> for the marked method's own type.</summary>
    public Type? Type { get; }

    /// <summary>The target method's name.</summary>
    public string MethodName { get; }
}
