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

/// <summary>
/// DG0111 and DG0112: wraps an operation with a zero derivative, or an argument whose gradient a call drops, in
/// <c>WithoutDerivative(...)</c>, to say it is intended.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WithoutDerivativeFix)), Shared]
public sealed class WithoutDerivativeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ["DG0111", "DG0112"];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax expression)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Wrap in WithoutDerivative(...)",
                    cancellation => WrapAsync(context.Document, expression, cancellation),
                    equivalenceKey: nameof(WithoutDerivativeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> WrapAsync(Document document, ExpressionSyntax expression, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        var inner = expression.WithoutTrivia();
        if (inner is ParenthesizedExpressionSyntax { Expression: var unwrapped })
        {
            inner = unwrapped;
        }

        var call = SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression(Names.WithoutDerivative(semanticModel!, expression.SpanStart)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(inner))))
            .WithTriviaFrom(expression);
        return document.WithSyntaxRoot(root!.ReplaceNode(expression, call));
    }
}
