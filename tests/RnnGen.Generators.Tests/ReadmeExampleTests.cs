using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generators.Tests;

/// <summary>Every model declared in README.md compiles with the generator — and the one shown failing fails with the error shown.</summary>
public sealed class ReadmeExampleTests
{
    public static TheoryData<int, string> Examples()
    {
        string readme = File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), "README.md"));
        var data = new TheoryData<int, string>();
        int index = 0;
        foreach (Match block in Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline))
        {
            string code = block.Groups[1].Value;
            if (code.Contains("[RnnModel", StringComparison.Ordinal))
            {
                data.Add(index, code);
            }

            index++;
        }

        return data;
    }

    [Fact]
    public void The_readme_declares_models()
    {
        Assert.True(Examples().Count() >= 4, "README.md should show model declarations");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void A_readme_model_compiles(int block, string code)
    {
        string source = (code.Contains("using RnnGen;", StringComparison.Ordinal) ? string.Empty : "using RnnGen;\n") + code;
        (IReadOnlyList<Diagnostic> diagnostics, GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Analyze(source);
        Assert.Null(result.Results[0].Exception);
        if (code.Contains("class Translator", StringComparison.Ordinal))
        {
            // the README's compile-time check example: exactly the error it shows
            Assert.Equal("RNN0011", Assert.Single(diagnostics).Id);
            return;
        }

        Assert.True(diagnostics.Count == 0, $"README block {block}: " + string.Join("\n", diagnostics));
        IReadOnlyList<Diagnostic> problems = GeneratorHarness.CompileProblems(output);
        Assert.True(problems.Count == 0, $"README block {block} does not compile: " + string.Join("\n", problems.Take(5)));
    }
}
