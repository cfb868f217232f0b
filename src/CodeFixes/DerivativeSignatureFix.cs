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
using Microsoft.CodeAnalysis.Simplification;

namespace DiffGen.CodeFixes;

/// <summary>
/// DG0202: gives a <c>[DerivativeOf]</c> method the signature its target needs: the signature the error shows, written
/// by the same code (<c>RuleFrontEnd.ExpectedSignatures</c>), with the rule's name, attributes and body kept.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DerivativeSignatureFix)), Shared]
public sealed class DerivativeSignatureFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ["DG0202"];

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
            var attributeSyntax = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();
            var declaration = attributeSyntax?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            if (attributeSyntax is null || declaration is null
                || semanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } rule)
            {
                continue;
            }

            var attribute = rule.GetAttributes().FirstOrDefault(a => a.ApplicationSyntaxReference?.Span == attributeSyntax.Span);
            if (attribute is null || Callees.Target(attribute) is not (var type, { } name))
            {
                continue;
            }

            var owner = (type as INamedTypeSymbol)?.OriginalDefinition ?? rule.ContainingType;
            foreach (var signature in RuleFrontEnd.ExpectedSignatures(rule, RuleFrontEnd.Candidates(owner, name)))
            {
                if (SyntaxFactory.ParseMemberDeclaration(signature + ";") is not MethodDeclarationSyntax expected)
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Change the signature to " + signature,
                        cancellation => ChangeSignatureAsync(context.Document, declaration, expected, cancellation),
                        equivalenceKey: nameof(DerivativeSignatureFix) + signature),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> ChangeSignatureAsync(Document document, MethodDeclarationSyntax declaration, MethodDeclarationSyntax expected, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        bool wantStatic = expected.Modifiers.Any(SyntaxKind.StaticKeyword);
        var modifiers = declaration.Modifiers;
        int index = modifiers.IndexOf(SyntaxKind.StaticKeyword);
        if (wantStatic && index < 0)
        {
            modifiers = modifiers.Add(SyntaxFactory.Token(SyntaxKind.StaticKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        }
        else if (!wantStatic && index >= 0)
        {
            modifiers = modifiers.RemoveAt(index);
        }

        var changed = declaration
            .WithModifiers(modifiers)
            .WithReturnType(expected.ReturnType.WithTriviaFrom(declaration.ReturnType).WithAdditionalAnnotations(Simplifier.Annotation))
            .WithParameterList(expected.ParameterList.WithTriviaFrom(declaration.ParameterList).WithAdditionalAnnotations(Simplifier.Annotation));
        return document.WithSyntaxRoot(root!.ReplaceNode(declaration, changed));
    }
}
