using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using RnnGen.CodeFixes;

namespace RnnGen.Generators.Tests.Harness;

/// <summary>
/// Every code fix through Roslyn's standard code-fix harness: the fix turns the invalid declaration into exactly the
/// expected text, one fix at a time and as a fix-all, and the result reports nothing more.
/// </summary>
public sealed class CodeFixHarnessTests
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

    /// <summary>Where the fix corrects the declaration another way than the case's own corrected declaration.</summary>
    private static string Expected(string id, string invalid, string corrected) => id switch
    {
        // the fix removes the second layer attribute (the marked one); the case's correction kept the second
        DiagnosticDescriptors.TwoLayerAttributesId => GeneratorHarness.Marked(invalid).Source.Replace("[Lstm(4), Gru(4)]", "[Lstm(4)]", StringComparison.Ordinal),
        _ => corrected,
    };

    [Fact]
    public void Every_fixable_diagnostic_has_a_case() => Assert.Equal(new RnnGenCodeFixProvider().FixableDiagnosticIds.Length, Fixable().Count);

    [Theory]
    [MemberData(nameof(Fixable))]
    public async Task The_fix_gives_exactly_the_corrected_declaration(string id, string invalid, string corrected)
    {
        var test = new RnnGenCodeFixTest
        {
            TestCode = RoslynHarness.Markup(invalid),
            FixedCode = Expected(id, invalid, corrected),
        };
        DiagnosticDescriptor descriptor = new GeneratorDiagnosticsAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(descriptor).WithLocation(0).WithArguments(DiagnosticHarnessTests.Arguments[id]));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_makes_every_model_partial_and_every_encoder_return_sequences()
    {
        string Two(string a, string b) => GeneratorHarness.Source($$"""
            [RnnModel(InputSize = 3)] public {{a}}class First { [Lstm(4)] public partial RecurrentLayer Rnn { get; } }
            [RnnModel(InputSize = 3)] public {{b}}class Second { [Lstm(4)] public partial RecurrentLayer Rnn { get; } }
            """);
        DiagnosticDescriptor notPartial = new GeneratorDiagnosticsAnalyzer().SupportedDiagnostics.Single(d => d.Id == DiagnosticDescriptors.ClassNotPartialId);
        var classes = new RnnGenCodeFixTest
        {
            TestCode = Two("", "").Replace("class First", "class {|#0:First|}").Replace("class Second", "class {|#1:Second|}"),
            FixedCode = Two("partial ", "partial "),
        };
        classes.ExpectedDiagnostics.Add(new DiagnosticResult(notPartial).WithLocation(0).WithArguments("First"));
        classes.ExpectedDiagnostics.Add(new DiagnosticResult(notPartial).WithLocation(1).WithArguments("Second"));
        await classes.RunAsync();

        string Stack(string first, string second) => GeneratorHarness.Model(
            $"[Lstm(8{first})] public partial RecurrentLayer A {{ get; }} [Lstm(8{second})] public partial RecurrentLayer B {{ get; }} [Lstm(8)] public partial RecurrentLayer C {{ get; }}");
        DiagnosticDescriptor sequence = new GeneratorDiagnosticsAnalyzer().SupportedDiagnostics.Single(d => d.Id == DiagnosticDescriptors.SequenceExpectedId);
        var stack = new RnnGenCodeFixTest
        {
            TestCode = Stack("", "").Replace("[Lstm(8)] public partial RecurrentLayer B", "[{|#0:Lstm(8)|}] public partial RecurrentLayer B")
                .Replace("[Lstm(8)] public partial RecurrentLayer C", "[{|#1:Lstm(8)|}] public partial RecurrentLayer C"),
            FixedCode = Stack(", ReturnSequences = true", ", ReturnSequences = true"),
        };
        stack.ExpectedDiagnostics.Add(new DiagnosticResult(sequence).WithLocation(0).WithArguments("B", "8", "A"));
        stack.ExpectedDiagnostics.Add(new DiagnosticResult(sequence).WithLocation(1).WithArguments("C", "8", "B"));
        await stack.RunAsync();
    }
}
