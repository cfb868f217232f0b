using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Lowering;

/// <summary>
/// The front end for one <c>[Model]</c> class: finds, at compile time, the members that hold parameters
/// (<c>Parameter</c> fields and auto-properties, sub-models, and arrays or lists of either), in declaration order.
/// </summary>
internal static class ModelFrontEnd
{
    public const string ModelAttribute = "DiffGen.ModelAttribute";
    private const string ModelInterface = "DiffGen.IModel";

    public static ModelResult Run(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        try
        {
            return Read(type, (TypeDeclarationSyntax)context.TargetNode, cancellation);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            var diagnostic = DiagnosticInfo.Create(Descriptors.InternalError, context.TargetNode.GetLocation(), type.Name, exception.GetType().Name + ": " + exception.Message);
            return new ModelResult(null, EquatableArray.Create(diagnostic));
        }
    }

    /// <summary>Whether values of <paramref name="type"/> are models: <c>[Model]</c> in source, or an <c>IModel</c>.</summary>
    public static bool IsModel(ITypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ModelAttribute)
        || type.AllInterfaces.Any(i => i.ToDisplayString() == ModelInterface);

    private static ModelResult Read(INamedTypeSymbol type, TypeDeclarationSyntax syntax, CancellationToken cancellation)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var containers = Containers.Read(type, "Parameters()", syntax.Identifier.GetLocation(), diagnostics);
        if (diagnostics.Count > 0)
        {
            // A model that is not partial (DG0001) is the analyzers' to report; it is only not generated here.
            return new ModelResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var members = new List<ModelMember>();
        foreach (var member in type.GetMembers())
        {
            cancellation.ThrowIfCancellationRequested();
            if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
            {
                continue;
            }

            // Auto-properties are found through their backing fields, so that declaration order is kept.
            string name;
            if (field.AssociatedSymbol is IPropertySymbol property)
            {
                name = property.Name;
            }
            else if (field.IsImplicitlyDeclared)
            {
                continue;
            }
            else
            {
                name = field.Name;
            }

            if (Classify(field.Type) is { } kind)
            {
                members.Add(new ModelMember(name, PathName(name), kind.Kind, kind.Collection));
            }
        }

        var model = new ModelClass(
            HintName(type),
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            containers.ToEquatableArray(),
            type.Name,
            members.ToEquatableArray());
        return new ModelResult(model, EquatableArray<DiagnosticInfo>.Empty);
    }

    private static (ModelMemberKind Kind, CollectionKind Collection)? Classify(ITypeSymbol type)
    {
        if (Element(type) is { } single)
        {
            return (single, CollectionKind.None);
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array && Element(array.ElementType) is { } inArray)
        {
            return (inArray, CollectionKind.Array);
        }

        if (type is INamedTypeSymbol named)
        {
            foreach (var candidate in named.AllInterfaces.Add(named))
            {
                if (candidate is { Name: "IReadOnlyList", TypeArguments.Length: 1, ContainingNamespace: { Name: "Generic" } }
                    && candidate.ContainingNamespace.ToDisplayString() == "System.Collections.Generic"
                    && Element(candidate.TypeArguments[0]) is { } inList)
                {
                    return (inList, CollectionKind.List);
                }
            }
        }

        return null;
    }

    private static ModelMemberKind? Element(ITypeSymbol type)
    {
        if (TypeMapper.Map(type).Kind == Model.TypeKind.Parameter)
        {
            return ModelMemberKind.Parameter;
        }

        return type.TypeKind is Microsoft.CodeAnalysis.TypeKind.Class or Microsoft.CodeAnalysis.TypeKind.Interface && IsModel(type)
            ? ModelMemberKind.Model
            : null;
    }

    /// <summary>The name in dotted parameter names: the member's name without one leading underscore.</summary>
    private static string PathName(string name) => name.Length > 1 && name[0] == '_' ? name.Substring(1) : name;

    private static string HintName(INamedTypeSymbol type) => MethodFrontEnd.SafeHintName(
        type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)),
        ".Model.g.cs");
}
