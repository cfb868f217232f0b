using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DiffGen.Generator.Lowering;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.CodeFixes;

/// <summary>
/// DG0101: marks the called method <c>[Differentiable]</c> when it is declared in source and has a form DiffGen can
/// differentiate (the same declaration check the analyzers run), so that its derivative is generated.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddDifferentiableFix)), Shared]
public sealed class AddDifferentiableFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ["DG0101"];

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (semanticModel.GetSymbolInfo(node, context.CancellationToken).Symbol is not IMethodSymbol callee
                || Declaration(callee.OriginalDefinition, context.CancellationToken) is not { } declaration
                || context.Document.Project.Solution.GetDocument(declaration.SyntaxTree) is not { } target)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Mark '" + callee.Name + "' [Differentiable]",
                    cancellation => AddAttributeAsync(target, declaration, cancellation),
                    equivalenceKey: nameof(AddDifferentiableFix)),
                diagnostic);
        }
    }

    /// <summary>The declaration of a method in source that would be differentiable if it were marked, or null.</summary>
    private static MethodDeclarationSyntax? Declaration(IMethodSymbol callee, CancellationToken cancellation)
    {
        if (callee.MethodKind != MethodKind.Ordinary || callee.DeclaringSyntaxReferences.Length != 1
            || SignatureReader.HasAttribute(callee, SignatureReader.DifferentiableAttribute)
            || callee.DeclaringSyntaxReferences[0].GetSyntax(cancellation) is not MethodDeclarationSyntax declaration)
        {
            return null;
        }

        // The analyzers' own check: a method it would report DG0001-DG0004 on is not offered.
        var problems = new System.Collections.Generic.List<DiffGen.Generator.Model.DiagnosticInfo>();
        return MethodFrontEnd.CheckShape(callee, declaration, problems) is null ? null : declaration;
    }

    private static async Task<Solution> AddAttributeAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var semanticModel = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        string name = Names.Attribute(semanticModel!, method.SpanStart, "Differentiable");
        var leading = method.GetLeadingTrivia();
        var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
            ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
            : SyntaxFactory.TriviaList();
        var newLine = root!.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName(name))))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(newLine == default ? SyntaxFactory.EndOfLine("\n") : newLine);
        var changed = method.WithLeadingTrivia(indentation);
        changed = changed.WithAttributeLists(changed.AttributeLists.Insert(0, list));
        return document.Project.Solution.WithDocumentSyntaxRoot(document.Id, root.ReplaceNode(method, changed));
    }
}
