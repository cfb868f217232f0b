namespace DiffGen.Generator.Model;

/// <summary>A call whose derivative only the whole compilation can confirm (a callee in source, or a rule elsewhere).</summary>
internal sealed record PendingCall(string CalleeKey, string Display, bool NeedsRule, LocationInfo? Location);

/// <summary>What the front end made of one <c>[Differentiable]</c> method.</summary>
/// <param name="Key">The method's identity.</param>
/// <param name="Gradient">The transformed method, or null when it has errors (then nothing is emitted for it).</param>
/// <param name="Diagnostics">Everything to report about it.</param>
/// <param name="Pending">Calls that need the registry to be confirmed.</param>
internal sealed record MethodResult(string Key, GradientMethod? Gradient, EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<PendingCall> Pending);

/// <summary>A <c>[DerivativeOf]</c> rule for a method that does not declare it next to itself.</summary>
internal sealed record RuleTarget(string TargetKey, string Owner, string Name, bool IsStatic);

/// <summary>What the front end made of one <c>[DerivativeOf]</c> method (it may declare several rules).</summary>
internal sealed record RuleResult(EquatableArray<RuleTarget> Rules, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// What the whole compilation knows: which <c>[Differentiable]</c> methods could be differentiated, and which
/// rules exist. Emission and cross-method diagnostics consult it.
/// </summary>
internal sealed record Registry(EquatableArray<string> Succeeded, EquatableArray<RuleTarget> Rules)
{
    public bool HasSucceeded(string key)
    {
        foreach (var k in Succeeded)
        {
            if (k == key)
            {
                return true;
            }
        }

        return false;
    }

    public RuleTarget? RuleFor(string key)
    {
        foreach (var rule in Rules)
        {
            if (rule.TargetKey == key)
            {
                return rule;
            }
        }

        return null;
    }
}
