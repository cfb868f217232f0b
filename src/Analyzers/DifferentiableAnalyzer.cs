using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DiffGen.Analyzers;

/// <summary>
/// Reports, as the developer types, what is wrong with the declaration of a <c>[Differentiable]</c> method or a
/// <c>[Model]</c> class (DG0001-DG0004), and what activity analysis finds in a body that can be differentiated
/// (DG0109-DG0111). It runs the generator's own front end, so the two never disagree; the generator reports what
/// only lowering finds.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DifferentiableAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [.. Descriptors.ReportedByAnalyzers];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            bool differentiable = start.Compilation.GetTypeByMetadataName(SignatureReader.DifferentiableAttribute) is not null;
            bool model = start.Compilation.GetTypeByMetadataName(ModelFrontEnd.ModelAttribute) is not null;
            if (differentiable || model)
            {
                start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
            }

            if (differentiable)
            {
                start.RegisterSymbolAction(AnalyzeDeclaration, SymbolKind.Method);
                start.RegisterCodeBlockAction(AnalyzeBody);
            }
        });
    }

    /// <summary>
    /// DG0001 on a type that is not partial but must be: it holds, itself or in a nested type, a
    /// <c>[Differentiable]</c> method or a <c>[Model]</c> class. Reported from the type's own action so that the
    /// diagnostic is local to the declaration it is on (and its code fix is offered as the developer types).
    /// </summary>
    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken)).ToList();
        if (declarations.Count == 0 || declarations.All(d => d is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            // Nothing to report on a partial type, and no need to look inside it.
            return;
        }

        var diagnostics = new List<DiagnosticInfo>();
        Collect(type);
        var own = declarations
            .OfType<BaseTypeDeclarationSyntax>()
            .Select(d => LocationInfo.From(d.Identifier.GetLocation()))
            .ToList();
        Report(context.ReportDiagnostic, context.Compilation, diagnostics.Where(d => own.Contains(d.Location)).ToList());

        void Collect(INamedTypeSymbol current)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (SignatureReader.HasAttribute(current, ModelFrontEnd.ModelAttribute) && current.TypeKind == Microsoft.CodeAnalysis.TypeKind.Class
                && current.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is ClassDeclarationSyntax model)
            {
                Containers.Read(current, "Parameters()", model.Identifier.GetLocation(), diagnostics);
            }

            foreach (var member in current.GetMembers())
            {
                if (member is IMethodSymbol method && Declaration(method, context.CancellationToken) is { } syntax)
                {
                    Containers.Read(method.ContainingType, method.Name + SignatureReader.GradientSuffix, syntax.Identifier.GetLocation(), diagnostics);
                }
                else if (member is INamedTypeSymbol nested)
                {
                    Collect(nested);
                }
            }
        }
    }

    /// <summary>DG0002-DG0004: the declaration of a <c>[Differentiable]</c> method (DG0001 is the type's, see <see cref="AnalyzeType"/>).</summary>
    private static void AnalyzeDeclaration(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (Declaration(method, context.CancellationToken) is not { } syntax)
        {
            return;
        }

        var diagnostics = new List<DiagnosticInfo>();
        MethodFrontEnd.CheckShape(method, syntax, diagnostics);
        Report(context.ReportDiagnostic, context.Compilation, diagnostics.Where(d => d.Id != Descriptors.NotPartial.Id).ToList());
    }

    /// <summary>The warnings of activity analysis, over a body that the generator can differentiate.</summary>
    private static void AnalyzeBody(CodeBlockAnalysisContext context)
    {
        if (context.OwningSymbol is not IMethodSymbol method || context.CodeBlock is not MethodDeclarationSyntax syntax
            || Declaration(method, context.CancellationToken) != syntax)
        {
            return;
        }

        var containers = MethodFrontEnd.CheckShape(method, syntax, new List<DiagnosticInfo>());
        if (containers is null)
        {
            // The declaration's own diagnostics say what is wrong; the body is not read.
            return;
        }

        var body = MethodFrontEnd.LowerBody(method, syntax, containers, context.SemanticModel, context.CancellationToken);
        if (body is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.MethodShapeNotSupported, syntax.Identifier.GetLocation(), method.Name, "a method whose body cannot be read"));
            return;
        }

        if (body.Activity is null || body.Diagnostics.Count > 0)
        {
            // The generator reports what lowering found; warnings about a body that cannot be generated would be noise.
            return;
        }

        foreach (var diagnostic in ActivityWarnings.Find(method, syntax, body, context.SemanticModel, context.CancellationToken))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    /// <summary>The one declaration of a <c>[Differentiable]</c> method in source, or null.</summary>
    private static MethodDeclarationSyntax? Declaration(IMethodSymbol method, System.Threading.CancellationToken cancellation)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.DeclaringSyntaxReferences.Length != 1
            || !SignatureReader.HasAttribute(method, SignatureReader.DifferentiableAttribute))
        {
            return null;
        }

        return method.DeclaringSyntaxReferences[0].GetSyntax(cancellation) as MethodDeclarationSyntax;
    }

    private static void Report(Action<Diagnostic> report, Compilation compilation, List<DiagnosticInfo> diagnostics)
    {
        foreach (var info in diagnostics)
        {
            var location = info.Location?.ToLocation(compilation) ?? Location.None;
            report(Diagnostic.Create(Descriptors.ById[info.Id], location, info.Arguments.Cast<object>().ToArray()));
        }
    }
}
