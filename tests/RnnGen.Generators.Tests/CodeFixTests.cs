using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using RnnGen.CodeFixes;

namespace RnnGen.Generators.Tests;

/// <summary>Each code fix turns the invalid example into code that the generator accepts and that compiles with no diagnostics.</summary>
public sealed class CodeFixTests
{
    public static TheoryData<string, string, string> Fixable()
    {
        var provider = new RnnGenCodeFixProvider();
        var data = new TheoryData<string, string, string>();
        foreach (object[] row in DiagnosticTests.Cases())
        {
            if (provider.FixableDiagnosticIds.Contains((string)row[0])) data.Add((string)row[0], (string)row[1], (string)row[2]);
        }

        return data;
    }

    [Fact]
    public void Every_fixable_diagnostic_has_a_test_case() => Assert.Equal(new RnnGenCodeFixProvider().FixableDiagnosticIds.Length, Fixable().Count);

    [Theory]
    [MemberData(nameof(Fixable))]
    public async Task The_fix_yields_code_that_compiles_clean(string id, string invalid, string expectedFixed)
    {
        (string source, _) = GeneratorHarness.Marked(invalid);
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Test", LanguageNames.CSharp)
            .WithParseOptions(GeneratorHarness.ParseOptions)
            .WithCompilationOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .WithMetadataReferences(GeneratorHarness.Compilation().References);
        Document document = project.AddDocument("Test0.cs", SourceText.From(source));

        (IReadOnlyList<Diagnostic> diagnostics, _, _) = GeneratorHarness.Analyze(source);
        Diagnostic diagnostic = Assert.Single(diagnostics, d => d.Id == id);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new RnnGenCodeFixProvider().RegisterCodeFixesAsync(context);
        CodeAction fix = Assert.Single(actions);
        ImmutableArray<CodeActionOperation> operations = await fix.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        string fixedText = (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();

        (IReadOnlyList<Diagnostic> after, _, Compilation output) = GeneratorHarness.Analyze(fixedText);
        Assert.Empty(after);
        Assert.Empty(GeneratorHarness.CompileProblems(output));
        Assert.NotEqual(source, fixedText);
        _ = expectedFixed;
    }
}
