using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RnnGen.Generators.Tests.Robustness;

/// <summary>
/// ReservedNames is the one list of names a user must not use; the clash checks derive from it. Every member the
/// generator emits on a model class must be on it, so that renaming or adding a generated member fails here until the
/// list (and with it the checks) follows.
/// </summary>
public sealed class ReservedNamesTests
{
    public static TheoryData<string, string> Models()
    {
        var models = new TheoryData<string, string>();
        foreach (object[] row in SnapshotTests.Models())
        {
            models.Add((string)row[0], (string)row[1]);
        }

        // features the snapshots leave out: dropout in a sequential model, a token model trained with state
        models.Add("Dropped", GeneratorHarness.Source("[RnnModel(Loss = Loss.CrossEntropy)] public partial class Dropped { [Embedding(9, 4)] public partial EmbeddingLayer E { get; } [Dropout(0.3, Input = 0.1), Gru(5, ReturnSequences = true)] public partial RecurrentLayer G { get; } [Dense(9, Activation.Softmax)] public partial DenseLayer D { get; } }"));
        return models;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_member_generated_on_the_model_class_is_a_reserved_name(string name, string source)
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(source);
        SyntaxNode root = Assert.Single(result.GeneratedTrees).GetRoot();
        ClassDeclarationSyntax model = root.DescendantNodes().OfType<ClassDeclarationSyntax>().First(c => c.Identifier.ValueText == name);
        List<string> layers = model.Members.OfType<PropertyDeclarationSyntax>().Where(p => p.Modifiers.Any(SyntaxKind.PartialKeyword)).Select(p => p.Identifier.ValueText).ToList();
        Assert.NotEmpty(layers);

        ReservedNames.ModelKind kind = name switch
        {
            "Speller" => ReservedNames.ModelKind.EncoderDecoder,
            "FeedbackForecaster" => ReservedNames.ModelKind.OutputRecurrence,
            "ArithmeticTree" => ReservedNames.ModelKind.Tree,
            _ => ReservedNames.ModelKind.Sequential,
        };
        var reserved = new HashSet<string>(ReservedNames.Fixed(kind).Concat(layers.SelectMany(l => ReservedNames.ForLayer(kind, l))));

        var declared = new List<string>();
        foreach (MemberDeclarationSyntax member in model.Members)
        {
            declared.AddRange(member switch
            {
                MethodDeclarationSyntax m when m.ExplicitInterfaceSpecifier is null => new[] { m.Identifier.ValueText },
                PropertyDeclarationSyntax p when p.ExplicitInterfaceSpecifier is null => new[] { p.Identifier.ValueText },
                FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => v.Identifier.ValueText),
                BaseTypeDeclarationSyntax t => new[] { t.Identifier.ValueText },
                _ => Array.Empty<string>(),
            });
        }

        Assert.True(declared.Count > 10, $"{name}: found only {declared.Count} members");
        List<string> missing = declared.Where(d => !reserved.Contains(d)).Distinct().ToList();
        Assert.True(missing.Count == 0, $"{name} ({kind}) declares members ReservedNames does not list: {string.Join(", ", missing)}");
    }
}
