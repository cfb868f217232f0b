namespace DiffGen.Generator;

/// <summary>The names of the pipeline's steps, for incrementality tests.</summary>
internal static class TrackingNames
{
    public const string Methods = nameof(Methods);
    public const string Rules = nameof(Rules);
    public const string Succeeded = nameof(Succeeded);
    public const string RuleTargets = nameof(RuleTargets);
    public const string Registry = nameof(Registry);
    public const string Gradients = nameof(Gradients);
    public const string Sources = nameof(Sources);
    public const string MethodDiagnostics = nameof(MethodDiagnostics);
    public const string RuleDiagnostics = nameof(RuleDiagnostics);
    public const string Models = nameof(Models);
    public const string ModelSources = nameof(ModelSources);
    public const string ModelDiagnostics = nameof(ModelDiagnostics);
}
