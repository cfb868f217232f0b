using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>Turns Roslyn types into <see cref="TypeRef"/>s and symbols into the strings the IR carries.</summary>
internal static class TypeMapper
{
    /// <summary><c>global::</c>-qualified names, keywords for special types, nullable annotations kept.</summary>
    public static readonly SymbolDisplayFormat Qualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The method's identity across the compilation: qualified type, name and parameter types.</summary>
    public static readonly SymbolDisplayFormat MethodKey = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Included,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>How a method is named in messages: <c>Fit.Rosenbrock(double, double)</c>.</summary>
    public static readonly SymbolDisplayFormat Display = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static TypeRef Map(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Double: return TypeRef.Double;
            case SpecialType.System_Single: return TypeRef.Float;
            case SpecialType.System_Int32: return TypeRef.Int;
            case SpecialType.System_Int64: return TypeRef.Long;
            case SpecialType.System_Boolean: return TypeRef.Bool;
            case SpecialType.System_Void: return TypeRef.Void;
        }

        if (type is INamedTypeSymbol { Name: "Tensor" or "Parameter", ContainingNamespace: { Name: "DiffGen", ContainingNamespace.IsGlobalNamespace: true } } diffGenType)
        {
            return diffGenType.Name == "Tensor" ? TypeRef.Tensor : TypeRef.Parameter;
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return TypeRef.ArrayOf(Map(array.ElementType));
        }

        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named
            && named.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true })
        {
            if (named.Name == "Span")
            {
                return TypeRef.SpanOf(Map(named.TypeArguments[0]));
            }

            if (named.Name == "ReadOnlySpan")
            {
                return TypeRef.ReadOnlySpanOf(Map(named.TypeArguments[0]));
            }
        }

        return new TypeRef(TypeKind.Other, type.ToDisplayString(Qualified));
    }

    public static string Name(ITypeSymbol type) => type.ToDisplayString(Qualified);

    public static string Accessibility(Microsoft.CodeAnalysis.Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
