using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Model;
using DiffGen.Generator.Transforms;
using Microsoft.CodeAnalysis;

namespace DiffGen.Generator.Lowering;

internal sealed partial class BodyLowering
{
    private const string FusedFormAttribute = "DiffGen.FusedFormAttribute";
    private readonly List<FusedForm> _fusedForms = new();
    private readonly HashSet<string> _fusedFormsRead = new();

    /// <summary>The fused forms declared for the operations this body calls (<c>[FusedForm]</c>), for <see cref="OpFusion"/>.</summary>
    public IReadOnlyList<FusedForm> FusedForms => _fusedForms;

    /// <summary>
    /// Records the fused forms of <paramref name="outer"/>: static methods of its type marked <c>[FusedForm]</c> that
    /// name it as the outer operation, with the inner operation resolved by signature (the fused method takes the inner
    /// operation's parameters, then the outer one's after the first).
    /// </summary>
    private void NoteFusedForms(IMethodSymbol outer)
    {
        if (!_fusedFormsRead.Add(Callees.Key(outer)))
        {
            return;
        }

        foreach (var fused in outer.ContainingType.GetMembers().OfType<IMethodSymbol>())
        {
            if (!fused.IsStatic)
            {
                continue;
            }

            foreach (var attribute in fused.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != FusedFormAttribute)
                {
                    continue;
                }

                var arguments = attribute.ConstructorArguments;
                INamedTypeSymbol innerType = arguments.Length == 3 && arguments[0].Value is INamedTypeSymbol declared ? declared : outer.ContainingType;
                string? innerName = arguments[arguments.Length - 2].Value as string;
                string? outerName = arguments[arguments.Length - 1].Value as string;
                if (outerName != outer.Name || innerName is null)
                {
                    continue;
                }

                foreach (var inner in innerType.GetMembers(innerName).OfType<IMethodSymbol>())
                {
                    if (Fits(fused, inner, outer))
                    {
                        _fusedForms.Add(new FusedForm(
                            Callees.Key(outer),
                            Callees.Key(inner),
                            TypeMapper.Name(fused.ContainingType),
                            fused.Name,
                            TypeMapper.Map(fused.ReturnType),
                            Callees.Describe(fused)));
                    }
                }
            }
        }
    }

    /// <summary>Whether <paramref name="fused"/>(inner's parameters, outer's parameters after the first) computes outer(inner(...), ...).</summary>
    private static bool Fits(IMethodSymbol fused, IMethodSymbol inner, IMethodSymbol outer)
    {
        if (!inner.IsStatic || !outer.IsStatic || outer.Parameters.Length == 0
            || fused.Parameters.Length != inner.Parameters.Length + outer.Parameters.Length - 1
            || !SymbolEqualityComparer.Default.Equals(outer.Parameters[0].Type, inner.ReturnType)
            || !SymbolEqualityComparer.Default.Equals(fused.ReturnType, outer.ReturnType))
        {
            return false;
        }

        for (int i = 0; i < fused.Parameters.Length; i++)
        {
            var expected = i < inner.Parameters.Length ? inner.Parameters[i] : outer.Parameters[i - inner.Parameters.Length + 1];
            if (!SymbolEqualityComparer.Default.Equals(fused.Parameters[i].Type, expected.Type) || fused.Parameters[i].RefKind != expected.RefKind)
            {
                return false;
            }
        }

        return true;
    }
}
