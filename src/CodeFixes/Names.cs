using System.Linq;
using Microsoft.CodeAnalysis;

namespace DiffGen.CodeFixes;

/// <summary>How to spell DiffGen's names at a position: short when they bind there, qualified otherwise.</summary>
internal static class Names
{
    /// <summary>The attribute <c>DiffGen.{name}Attribute</c>, as <c>name</c> when <c>using DiffGen;</c> is in scope.</summary>
    public static string Attribute(SemanticModel semanticModel, int position, string name) =>
        semanticModel.LookupNamespacesAndTypes(position, name: name + "Attribute")
            .Any(s => s.ToDisplayString() == "DiffGen." + name + "Attribute")
            ? name
            : "DiffGen." + name;

    /// <summary><c>WithoutDerivative</c>, qualified as far as needed to bind at the position.</summary>
    public static string WithoutDerivative(SemanticModel semanticModel, int position)
    {
        if (semanticModel.LookupSymbols(position, name: "WithoutDerivative").Any(s => s.ContainingType?.ToDisplayString() == "DiffGen.Differentiation"))
        {
            return "WithoutDerivative";
        }

        return semanticModel.LookupNamespacesAndTypes(position, name: "Differentiation").Any(s => s.ToDisplayString() == "DiffGen.Differentiation")
            ? "Differentiation.WithoutDerivative"
            : "DiffGen.Differentiation.WithoutDerivative";
    }
}
