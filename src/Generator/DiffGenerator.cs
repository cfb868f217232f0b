using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.Emit;
using DiffGen.Generator.Lowering;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator;

/// <summary>
/// The DiffGen source generator: for every <c>[Differentiable]</c> method it emits <c>...WithGradient</c>, which
/// returns the value and the exact gradient. This class only wires the pipeline; the stages live in
/// <c>Lowering/</c> (front end), <c>Analysis/</c>, <c>Transforms/</c> and <c>Emit/</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class DiffGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SignatureReader.DifferentiableAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, cancellation) => MethodFrontEnd.Run(syntax, cancellation))
            .WithTrackingName(TrackingNames.Methods);

        var rules = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SignatureReader.DerivativeOfAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, cancellation) => RuleFrontEnd.Run(syntax, cancellation))
            .WithTrackingName(TrackingNames.Rules);

        // What the whole compilation knows: the methods that could be differentiated and the rules declared.
        var succeeded = methods
            .Where(static m => m.Gradient is not null)
            .Select(static (m, _) => m.Key)
            .Collect()
            .Select(static (keys, _) => keys.OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.Succeeded);
        var ruleTargets = rules
            .SelectMany(static (r, _) => r.Rules)
            .Collect()
            .Select(static (targets, _) => targets.OrderBy(t => t.TargetKey, StringComparer.Ordinal).ThenBy(t => t.Owner, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.RuleTargets);
        var registry = succeeded
            .Combine(ruleTargets)
            .Select(static (pair, _) => new Registry(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Registry);

        // Source: one file per method whose callees all have derivatives.
        var sources = methods
            .Select(static (m, _) => m.Gradient)
            .Where(static g => g is not null)
            .Combine(registry)
            .Select(static (pair, _) => EmitSource(pair.Left!, pair.Right))
            .WithTrackingName(TrackingNames.Sources);
        context.RegisterSourceOutput(sources, static (output, source) =>
        {
            if (source is not null)
            {
                output.AddSource(source.HintName, source.Text);
            }
        });

        // Diagnostics: a separate branch, so that a moved error never re-emits code.
        var methodDiagnostics = methods
            .Select(static (m, _) => new MethodDiagnostics(m.Diagnostics, m.Pending))
            .Where(static d => !d.Diagnostics.IsEmpty || !d.Pending.IsEmpty)
            .Combine(registry)
            .Select(static (pair, _) => Confirm(pair.Left, pair.Right))
            .Where(static d => !d.IsEmpty)
            .WithTrackingName(TrackingNames.MethodDiagnostics);
        var ruleDiagnostics = rules
            .Select(static (r, _) => r.Diagnostics)
            .Where(static d => !d.IsEmpty)
            .WithTrackingName(TrackingNames.RuleDiagnostics);
        // [Model] classes: their parameters, found at compile time.
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelFrontEnd.ModelAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntax, cancellation) => ModelFrontEnd.Run(syntax, cancellation))
            .WithTrackingName(TrackingNames.Models);
        var modelSources = models
            .Select(static (m, _) => m.Model)
            .Where(static m => m is not null)
            .Select(static (m, _) => new GeneratedSource(m!.HintName, ModelEmitter.Emit(m)))
            .WithTrackingName(TrackingNames.ModelSources);
        context.RegisterSourceOutput(modelSources, static (output, source) => output.AddSource(source.HintName, source.Text));
        var modelDiagnostics = models
            .Select(static (m, _) => m.Diagnostics)
            .Where(static d => !d.IsEmpty)
            .WithTrackingName(TrackingNames.ModelDiagnostics);
        context.RegisterSourceOutput(modelDiagnostics.Combine(context.CompilationProvider), static (output, pair) => Report(output, pair.Left, pair.Right));

        context.RegisterSourceOutput(methodDiagnostics.Combine(context.CompilationProvider), static (output, pair) => Report(output, pair.Left, pair.Right));
        context.RegisterSourceOutput(ruleDiagnostics.Combine(context.CompilationProvider), static (output, pair) => Report(output, pair.Left, pair.Right));
    }

    private static GeneratedSource? EmitSource(GradientMethod gradient, Registry registry)
    {
        foreach (var callee in gradient.Method.RequiredCallees)
        {
            if (!registry.HasSucceeded(callee) && registry.RuleFor(callee) is null)
            {
                return null;
            }
        }

        return new GeneratedSource(gradient.Method.HintName, MethodEmitter.Emit(gradient, registry));
    }

    /// <summary>The method's own diagnostics, and those of calls the registry cannot confirm.</summary>
    private static EquatableArray<DiagnosticInfo> Confirm(MethodDiagnostics diagnostics, Registry registry)
    {
        var all = new List<DiagnosticInfo>(diagnostics.Diagnostics);
        foreach (var call in diagnostics.Pending)
        {
            if (call.NeedsRule && registry.RuleFor(call.CalleeKey) is null)
            {
                all.Add(new DiagnosticInfo(Descriptors.NoDerivative.Id, call.Location, EquatableArray.Create(call.Display)));
            }
            else if (!call.NeedsRule && !registry.HasSucceeded(call.CalleeKey) && registry.RuleFor(call.CalleeKey) is null)
            {
                all.Add(new DiagnosticInfo(Descriptors.CalleeNotDifferentiable.Id, call.Location, EquatableArray.Create(call.Display)));
            }
        }

        return all.ToEquatableArray();
    }

    private static void Report(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics, Compilation compilation)
    {
        foreach (var info in diagnostics)
        {
            var descriptor = Descriptors.ById[info.Id];
            var location = info.Location?.ToLocation(compilation) ?? Location.None;
            output.ReportDiagnostic(Diagnostic.Create(descriptor, location, info.Arguments.Cast<object>().ToArray()));
        }
    }

    private sealed record MethodDiagnostics(EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<PendingCall> Pending);

    private sealed record GeneratedSource(string HintName, string Text);
}
