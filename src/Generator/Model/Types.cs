using System;

namespace DiffGen.Generator.Model;

/// <summary>What the generator needs to know about a type: its kind, and its fully qualified C# name.</summary>
internal enum TypeKind
{
    Double,
    Float,
    Int,
    Long,
    Bool,

    /// <summary>A single-dimensional array; <see cref="TypeRef.Element"/> is the element type.</summary>
    Array,

    /// <summary><c>System.Span&lt;T&gt;</c>; <see cref="TypeRef.Element"/> is <c>T</c>.</summary>
    Span,

    /// <summary><c>System.ReadOnlySpan&lt;T&gt;</c>; <see cref="TypeRef.Element"/> is <c>T</c>.</summary>
    ReadOnlySpan,
    Void,

    /// <summary><c>DiffGen.Tensor</c>: carries a derivative of its own shape.</summary>
    Tensor,

    /// <summary><c>DiffGen.Parameter</c>: its value is a differentiable input; its gradient accumulates into <c>Grad</c>.</summary>
    Parameter,

    /// <summary>Anything else (strings, structs, classes): never differentiable, only carried along.</summary>
    Other,
}

/// <summary>A type, by kind and by its <c>global::</c>-qualified C# spelling.</summary>
internal sealed record TypeRef(TypeKind Kind, string Name, TypeRef? Element = null)
{
    public static readonly TypeRef Double = new(TypeKind.Double, "double");
    public static readonly TypeRef Float = new(TypeKind.Float, "float");
    public static readonly TypeRef Int = new(TypeKind.Int, "int");
    public static readonly TypeRef Long = new(TypeKind.Long, "long");
    public static readonly TypeRef Bool = new(TypeKind.Bool, "bool");
    public static readonly TypeRef Void = new(TypeKind.Void, "void");
    public static readonly TypeRef Tensor = new(TypeKind.Tensor, "global::DiffGen.Tensor");
    public static readonly TypeRef Parameter = new(TypeKind.Parameter, "global::DiffGen.Parameter");

    /// <summary><see langword="true"/> for <see cref="double"/> and <see cref="float"/>: the types that carry a derivative.</summary>
    public bool IsReal => Kind is TypeKind.Double or TypeKind.Float;

    /// <summary><see langword="true"/> for arrays and spans.</summary>
    public bool IsCollection => Kind is TypeKind.Array or TypeKind.Span or TypeKind.ReadOnlySpan;

    /// <summary><see langword="true"/> for arrays and spans of <see cref="double"/> or <see cref="float"/>.</summary>
    public bool IsRealCollection => IsCollection && Element!.IsReal;

    /// <summary><see langword="true"/> for <c>DiffGen.Tensor</c>.</summary>
    public bool IsTensor => Kind == TypeKind.Tensor;

    /// <summary><see langword="true"/> if values of this type can carry a derivative.</summary>
    public bool CanBeActive => IsReal || IsRealCollection || IsTensor;

    /// <summary>The real type a derivative of this type is made of (the type itself, or the element type).</summary>
    public TypeRef RealType => IsReal ? this : IsRealCollection ? Element! : throw new InvalidOperationException(Name + " is not real");

    public static TypeRef ArrayOf(TypeRef element) => new(TypeKind.Array, element.Name + "[]", element);

    public static TypeRef SpanOf(TypeRef element) => new(TypeKind.Span, "global::System.Span<" + element.Name + ">", element);

    public static TypeRef ReadOnlySpanOf(TypeRef element) => new(TypeKind.ReadOnlySpan, "global::System.ReadOnlySpan<" + element.Name + ">", element);

    public override string ToString() => Name;
}
