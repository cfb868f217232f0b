using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Lowering;

/// <summary>Reads the chain of types the generator must redeclare (outermost first) to add members to a type.</summary>
internal static class Containers
{
    /// <summary>
    /// The declarations of <paramref name="type"/> and the types that contain it, outermost first; reports
    /// <see cref="Descriptors.NotPartial"/> for each that is not partial (then the chain must not be emitted).
    /// </summary>
    /// <param name="type">The innermost type.</param>
    /// <param name="generatedMember">What DiffGen adds, for the message (<c>FWithGradient</c>, <c>Parameters()</c>).</param>
    /// <param name="fallback">Where to report when a type has no declaration in source.</param>
    /// <param name="diagnostics">Receives the problems.</param>
    public static List<ContainingType> Read(INamedTypeSymbol type, string generatedMember, Location fallback, List<DiagnosticInfo> diagnostics)
    {
        var containers = new List<ContainingType>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            string keyword = "class";
            bool partial = current.DeclaringSyntaxReferences.Length > 0;
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is not TypeDeclarationSyntax declaration)
                {
                    partial = false;
                    continue;
                }

                partial &= declaration.Modifiers.Any(SyntaxKind.PartialKeyword);
                keyword = declaration switch
                {
                    RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
            }

            if (!partial)
            {
                var first = current.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as BaseTypeDeclarationSyntax;
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.NotPartial, first?.Identifier.GetLocation() ?? fallback, current.Name, generatedMember));
            }

            string name = current.Name;
            if (current.TypeParameters.Length > 0)
            {
                name += "<" + string.Join(", ", current.TypeParameters.Select(t => t.Name)) + ">";
            }

            containers.Insert(0, new ContainingType(keyword, name, current.IsStatic));
        }

        return containers;
    }
}
