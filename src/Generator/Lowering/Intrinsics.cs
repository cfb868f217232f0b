using System.Collections.Generic;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>Recognises calls to the math functions whose derivatives the generator knows.</summary>
internal static class Intrinsics
{
    private static readonly Dictionary<string, IntrinsicKind> ByName = new()
    {
        ["Sin"] = IntrinsicKind.Sin,
        ["Cos"] = IntrinsicKind.Cos,
        ["Tan"] = IntrinsicKind.Tan,
        ["Asin"] = IntrinsicKind.Asin,
        ["Acos"] = IntrinsicKind.Acos,
        ["Atan"] = IntrinsicKind.Atan,
        ["Atan2"] = IntrinsicKind.Atan2,
        ["Sinh"] = IntrinsicKind.Sinh,
        ["Cosh"] = IntrinsicKind.Cosh,
        ["Tanh"] = IntrinsicKind.Tanh,
        ["Exp"] = IntrinsicKind.Exp,
        ["Log"] = IntrinsicKind.Log,
        ["Log10"] = IntrinsicKind.Log10,
        ["Log2"] = IntrinsicKind.Log2,
        ["Sqrt"] = IntrinsicKind.Sqrt,
        ["Cbrt"] = IntrinsicKind.Cbrt,
        ["Pow"] = IntrinsicKind.Pow,
        ["Abs"] = IntrinsicKind.Abs,
        ["Min"] = IntrinsicKind.Min,
        ["Max"] = IntrinsicKind.Max,
        ["Clamp"] = IntrinsicKind.Clamp,
        ["FusedMultiplyAdd"] = IntrinsicKind.FusedMultiplyAdd,
        ["Hypot"] = IntrinsicKind.Hypot,
        ["Floor"] = IntrinsicKind.Floor,
        ["Ceiling"] = IntrinsicKind.Ceiling,
        ["Round"] = IntrinsicKind.Round,
        ["Truncate"] = IntrinsicKind.Truncate,
        ["Sign"] = IntrinsicKind.Sign,
    };

    /// <summary>The intrinsic a call is, with the class it was called on, or null.</summary>
    public static (IntrinsicKind Kind, string Owner)? Recognize(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (type is null || !method.IsStatic)
        {
            return null;
        }

        string? owner = type.SpecialType switch
        {
            SpecialType.System_Double => "double",
            SpecialType.System_Single => "float",
            _ => type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true } && type.Name is "Math" or "MathF"
                ? "global::System." + type.Name
                : null,
        };

        if (owner is null)
        {
            if (method.Name == "WithoutDerivative" && type.ToDisplayString() == "DiffGen.Differentiation")
            {
                return (IntrinsicKind.WithoutDerivative, "global::DiffGen.Differentiation");
            }

            return null;
        }

        if (!ByName.TryGetValue(method.Name, out var kind))
        {
            return null;
        }

        // Every numeric parameter must be double or float for the derivative rules to apply; integer overloads
        // (Math.Max(int, int)) are ordinary calls with no derivative to take.
        int numeric = 0;
        foreach (var p in method.Parameters)
        {
            if (p.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
            {
                numeric++;
            }
            else if (!(kind == IntrinsicKind.Round && p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.None))
            {
                return null;
            }
        }

        if (numeric == 0)
        {
            return null;
        }

        if (kind == IntrinsicKind.Log && method.Parameters.Length == 2)
        {
            kind = IntrinsicKind.LogBase;
        }

        return (kind, owner);
    }

    /// <summary>Whether the derivative of the intrinsic is zero almost everywhere.</summary>
    public static bool HasZeroDerivative(IntrinsicKind kind) =>
        kind is IntrinsicKind.Floor or IntrinsicKind.Ceiling or IntrinsicKind.Round or IntrinsicKind.Truncate
            or IntrinsicKind.Sign or IntrinsicKind.WithoutDerivative;
}
