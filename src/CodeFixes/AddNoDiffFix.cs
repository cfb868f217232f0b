using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.CodeFixes;

/// <summary>DG0109: marks a parameter whose gradient is always zero <c>[NoDiff]</c>, so it gets no gradient output.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddNoDiffFix)), Shared]
public sealed class AddNoDiffFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ["DG0109"];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ParameterSyntax parameter)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Mark '" + parameter.Identifier.Text + "' [NoDiff]",
                    cancellation => AddNoDiffAsync(context.Document, parameter, cancellation),
                    equivalenceKey: nameof(AddNoDiffFix)),
                diagnostic);
        }
    }

    private static async Task<Document> AddNoDiffAsync(Document document, ParameterSyntax parameter, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        string name = Names.Attribute(semanticModel!, parameter.SpanStart, "NoDiff");
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName(name))))
            .WithTrailingTrivia(SyntaxFactory.Space);
        var changed = parameter.WithoutLeadingTrivia().AddAttributeLists(list).WithLeadingTrivia(parameter.GetLeadingTrivia());
        return document.WithSyntaxRoot(root!.ReplaceNode(parameter, changed));
    }
}
