using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generators;

namespace RnnGen.CodeFixes;

/// <summary>The obvious fixes for RnnGen's declaration diagnostics.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RnnGenCodeFixProvider)), Shared]
public sealed class RnnGenCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ClassNotPartialId,
        DiagnosticDescriptors.TwoLayerAttributesId,
        DiagnosticDescriptors.InputSizeTwiceId,
        DiagnosticDescriptors.SequenceExpectedId,
        DiagnosticDescriptors.BidirectionalOnNonRecurrentId,
        DiagnosticDescriptors.SoftmaxOverOneUnitId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            (string Title, SyntaxNode Old, SyntaxNode? New)? fix = diagnostic.Id switch
            {
                DiagnosticDescriptors.ClassNotPartialId => MakePartial(node),
                DiagnosticDescriptors.TwoLayerAttributesId => RemoveAttribute(node, "Remove the second layer attribute"),
                DiagnosticDescriptors.InputSizeTwiceId => RemoveInputSize(node),
                DiagnosticDescriptors.SequenceExpectedId => ReturnSequencesOnPrevious(node),
                DiagnosticDescriptors.BidirectionalOnNonRecurrentId => RemoveAttribute(node, "Remove [Bidirectional]"),
                DiagnosticDescriptors.SoftmaxOverOneUnitId => SoftmaxToSigmoid(node),
                _ => null,
            };
            if (fix is { } f)
            {
                context.RegisterCodeFix(CodeAction.Create(f.Title, ct => Replace(context.Document, root, f.Old, f.New), equivalenceKey: diagnostic.Id), diagnostic);
            }
        }
    }

    private static Task<Document> Replace(Document document, SyntaxNode root, SyntaxNode old, SyntaxNode? replacement)
        => Task.FromResult(document.WithSyntaxRoot(replacement is null
            ? root.RemoveNode(old, SyntaxRemoveOptions.KeepNoTrivia)!
            : root.ReplaceNode(old, replacement)));

    private static (string, SyntaxNode, SyntaxNode?)? MakePartial(SyntaxNode node)
    {
        ClassDeclarationSyntax? type = node.FirstAncestorOrSelf<ClassDeclarationSyntax>();
        return type is null ? null : ("Make the class partial", type, type.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }

    private static (string, SyntaxNode, SyntaxNode?)? RemoveAttribute(SyntaxNode node, string title)
    {
        AttributeSyntax? attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
        if (attribute?.Parent is not AttributeListSyntax list)
        {
            return null;
        }

        return list.Attributes.Count == 1 ? (title, list, null) : (title, list, list.WithAttributes(list.Attributes.Remove(attribute)));
    }

    private static (string, SyntaxNode, SyntaxNode?)? RemoveInputSize(SyntaxNode node)
    {
        AttributeArgumentSyntax? argument = node.FirstAncestorOrSelf<AttributeArgumentSyntax>();
        if (argument?.Parent is not AttributeArgumentListSyntax list)
        {
            return null;
        }

        return list.Arguments.Count == 1
            ? ("Remove InputSize", list, null)
            : ("Remove InputSize", list, list.WithArguments(list.Arguments.Remove(argument)));
    }

    private static (string, SyntaxNode, SyntaxNode?)? ReturnSequencesOnPrevious(SyntaxNode node)
    {
        PropertyDeclarationSyntax? current = node.FirstAncestorOrSelf<PropertyDeclarationSyntax>();
        if (current?.Parent is not TypeDeclarationSyntax type)
        {
            return null;
        }

        PropertyDeclarationSyntax? previous = type.Members.OfType<PropertyDeclarationSyntax>().TakeWhile(p => p != current)
            .LastOrDefault(p => p.AttributeLists.SelectMany(l => l.Attributes).Any(IsRecurrent));
        AttributeSyntax? layer = previous?.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(IsRecurrent);
        if (layer is null)
        {
            return null;
        }

        AttributeArgumentListSyntax arguments = layer.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
        AttributeArgumentSyntax? existing = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "ReturnSequences");
        AttributeArgumentSyntax returnSequences = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("ReturnSequences")), null, SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression));
        arguments = existing is null ? arguments.AddArguments(returnSequences) : arguments.ReplaceNode(existing, returnSequences);
        string name = previous!.Identifier.ValueText;
        return ($"Set ReturnSequences = true on '{name}'", layer, layer.WithArgumentList(arguments).NormalizeWhitespace());
    }

    private static bool IsRecurrent(AttributeSyntax attribute)
    {
        string name = attribute.Name.ToString();
        int dot = name.LastIndexOf('.');
        name = dot >= 0 ? name.Substring(dot + 1) : name;
        return name is "SimpleRnn" or "Lstm" or "Gru" or "SimpleRnnAttribute" or "LstmAttribute" or "GruAttribute";
    }

    private static (string, SyntaxNode, SyntaxNode?)? SoftmaxToSigmoid(SyntaxNode node)
    {
        AttributeSyntax? attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
        MemberAccessExpressionSyntax? softmax = attribute?.DescendantNodes().OfType<MemberAccessExpressionSyntax>().FirstOrDefault(m => m.Name.Identifier.ValueText == "Softmax");
        return softmax is null ? null : ("Use Activation.Sigmoid", softmax, softmax.WithName(SyntaxFactory.IdentifierName("Sigmoid")));
    }
}
