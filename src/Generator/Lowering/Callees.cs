using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

using TypeKind = DiffGen.Generator.Model.TypeKind;

namespace DiffGen.Generator.Lowering;

/// <summary>Finds out whether and how a called method can be differentiated.</summary>
internal static class Callees
{
    public static string Key(IMethodSymbol method) => method.OriginalDefinition.ToDisplayString(TypeMapper.MethodKey);

    public static CalleeInfo Describe(IMethodSymbol method)
    {
        string key = Key(method);
        string display = method.ToDisplayString(TypeMapper.Display);
        var returnType = TypeMapper.Map(method.ReturnType);
        if (method.IsGenericMethod || method.MethodKind is not (MethodKind.Ordinary or MethodKind.UserDefinedOperator)
            || !(returnType.IsReal || returnType.IsTensor))
        {
            return CalleeInfo.NotDifferentiable(key, display);
        }

        bool inSource = method.DeclaringSyntaxReferences.Length > 0;
        string owner = TypeMapper.Name(method.ContainingType);
        if (SignatureReader.UsesBackwardForm(method))
        {
            var passed = SignatureReader.BackwardParameters(method);
            if (inSource && SignatureReader.HasAttribute(method, SignatureReader.DifferentiableAttribute))
            {
                return new CalleeInfo(CalleeKind.Inline, key, display, inSource, owner, method.Name, method.IsStatic, passed, Backward: true);
            }

            var backward = FindRuleBeside(method, passed);
            return backward is null
                ? new CalleeInfo(CalleeKind.Unresolved, key, display, inSource, string.Empty, string.Empty, true, passed, Backward: true)
                : new CalleeInfo(CalleeKind.BackwardRule, key, display, inSource, TypeMapper.Name(backward.ContainingType), backward.Name, true, passed, Backward: true);
        }

        var parameters = SignatureReader.Parameters(method);
        if (SignatureReader.HasAttribute(method, SignatureReader.DifferentiableAttribute))
        {
            return new CalleeInfo(CalleeKind.Differentiable, key, display, inSource, owner, method.Name + SignatureReader.GradientSuffix, method.IsStatic, parameters);
        }

        var rule = FindRuleBeside(method, parameters);
        if (rule is not null)
        {
            return new CalleeInfo(CalleeKind.Rule, key, display, inSource, owner, rule.Name, rule.IsStatic, parameters);
        }

        return new CalleeInfo(CalleeKind.Unresolved, key, display, inSource, string.Empty, string.Empty, method.IsStatic, parameters);
    }

    /// <summary>A <c>[DerivativeOf]</c> method declared in the target's own type, with the right signature.</summary>
    public static IMethodSymbol? FindRuleBeside(IMethodSymbol target, EquatableArray<ParamInfo> parameters)
    {
        foreach (var member in target.ContainingType.GetMembers())
        {
            if (member is not IMethodSymbol candidate)
            {
                continue;
            }

            foreach (var attribute in candidate.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != SignatureReader.DerivativeOfAttribute)
                {
                    continue;
                }

                var (type, name) = Target(attribute);
                if (name == target.Name
                    && (type is null || SymbolEqualityComparer.Default.Equals(type, target.ContainingType.OriginalDefinition))
                    && (SignatureReader.UsesBackwardForm(target)
                        ? SignatureReader.IsBackwardRuleOf(candidate, target)
                        : SignatureReader.IsDerivativeOf(candidate, target, parameters)))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The (type, name) a <c>[DerivativeOf]</c> attribute names; the type is null for the one-argument form.</summary>
    public static (ITypeSymbol? Type, string? Name) Target(AttributeData attribute)
    {
        var args = attribute.ConstructorArguments;
        if (args.Length == 1)
        {
            return (null, args[0].Value as string);
        }

        if (args.Length == 2)
        {
            return (args[0].Value as ITypeSymbol, args[1].Value as string);
        }

        return (null, null);
    }
}
