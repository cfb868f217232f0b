using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DiffGen.Benchmarks.Analyzers;

/// <summary>
/// Registers the same kinds of actions as DiffGen's analyzers and does nothing in them: what the analyzer driver
/// costs by itself, so that DiffGen's own share of the overhead can be told apart.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class IdleAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new(
        "IDLE0001", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Never];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            start.RegisterSymbolAction(static _ => { }, SymbolKind.NamedType);
            start.RegisterSymbolAction(static _ => { }, SymbolKind.Method);
            start.RegisterCodeBlockAction(static _ => { });
        });
    }
}
