using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace DiffGen.Generator.Lowering;

/// <summary>Reads <c>[DerivativeOf]</c> methods: finds each target and checks the rule's signature against it.</summary>
internal static class RuleFrontEnd
{
    public static RuleResult Run(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        var rule = (IMethodSymbol)context.TargetSymbol;
        var rules = new List<RuleTarget>();
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            foreach (var attribute in context.Attributes)
            {
                cancellation.ThrowIfCancellationRequested();
                var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation() ?? context.TargetNode.GetLocation();
                var (type, name) = Callees.Target(attribute);
                var owner = (type as INamedTypeSymbol)?.OriginalDefinition ?? rule.ContainingType;
                if (name is null || owner is null)
                {
                    continue;
                }

                var candidates = Candidates(owner, name);
                if (candidates.Count == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeTargetNotFound, location, name,
                        "'" + owner.ToDisplayString() + "' has no method of that name"));
                    continue;
                }

                IMethodSymbol? match = null;
                foreach (var candidate in candidates)
                {
                    bool fits = SignatureReader.UsesBackwardForm(candidate)
                        ? SignatureReader.IsBackwardRuleOf(rule, candidate)
                        : SignatureReader.IsDerivativeOf(rule, candidate, SignatureReader.Parameters(candidate));
                    if (fits)
                    {
                        match = candidate;
                        break;
                    }
                }

                if (match is null)
                {
                    var expected = ExpectedSignatures(rule, candidates);
                    if (expected.Count == 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeTargetNotFound, location, name,
                            "no overload of it returns double or float, which is what DiffGen can differentiate"));
                    }
                    else
                    {
                        diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeSignatureMismatch, location,
                            rule.ToDisplayString(TypeMapper.Display), owner.Name + "." + name, string.Join(" or ", expected)));
                    }

                    continue;
                }

                if (!match.IsStatic && !SignatureReader.UsesBackwardForm(match) && !SymbolEqualityComparer.Default.Equals(owner, rule.ContainingType.OriginalDefinition))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeSignatureMismatch, location,
                        rule.ToDisplayString(TypeMapper.Display), owner.Name + "." + name,
                        "an instance method of '" + owner.Name + "' itself (the derivative of an instance method is called on the same object)"));
                    continue;
                }

                rules.Add(new RuleTarget(Callees.Key(match), TypeMapper.Name(rule.ContainingType), rule.Name, rule.IsStatic));
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.InternalError, context.TargetNode.GetLocation(), rule.Name, exception.GetType().Name + ": " + exception.Message));
        }

        return new RuleResult(rules.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>The methods named <paramref name="name"/> of <paramref name="owner"/> that a rule can be the derivative of.</summary>
    public static List<IMethodSymbol> Candidates(INamedTypeSymbol owner, string name) =>
        owner.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.MethodKind is MethodKind.Ordinary or MethodKind.UserDefinedOperator).ToList();

    /// <summary>
    /// The C# signatures <paramref name="rule"/> could have to be the derivative of one of <paramref name="candidates"/>
    /// (for messages, and for the code fix that writes it).
    /// </summary>
    public static List<string> ExpectedSignatures(IMethodSymbol rule, IEnumerable<IMethodSymbol> candidates) =>
        candidates
            .Where(c => TypeMapper.Map(c.ReturnType) is { IsReal: true } or { IsTensor: true })
            .Select(c => SignatureReader.UsesBackwardForm(c)
                ? SignatureReader.BackwardSignature(c, rule.Name)
                : SignatureReader.DerivativeSignature(c, SignatureReader.Parameters(c)).Replace(c.Name + SignatureReader.GradientSuffix + "(", rule.Name + "("))
            .ToList();
}
