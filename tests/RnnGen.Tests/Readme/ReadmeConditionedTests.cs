using System.Text.RegularExpressions;

namespace RnnGen.Tests.Readme;

/// <summary>The README's conditioned-generation block is ReadmeConditionedExample's marked code, and that code learns its task.</summary>
public sealed class ReadmeConditionedTests
{
    [Fact]
    public void Readme_block_equals_the_tested_code()
    {
        string root = ReadmeBlocks.RepositoryRoot();
        string example = File.ReadAllText(Path.Combine(root, "tests", "RnnGen.Tests", "Readme", "ReadmeConditionedExample.cs")).ReplaceLineEndings("\n");
        string model = ReadmeBlocks.Region(example, "model", "ReadmeConditionedExample.cs");
        string body = ReadmeBlocks.Dedent(ReadmeBlocks.Region(example, "body", "ReadmeConditionedExample.cs"));

        // two blocks: the declaration (which ReadmeExampleTests compiles with the generator), then its use
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n### Conditioned generation\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no section \"Conditioned generation\"");
        MatchCollection blocks = Regex.Matches(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(blocks.Count >= 2, "the section has no two csharp blocks");
        Assert.Equal(model, blocks[0].Groups[1].Value);
        Assert.Equal(body, blocks[1].Groups[1].Value);
    }

    [Fact]
    public void A_conditioned_gru_learns_to_spell_each_number_from_its_vector()
    {
        // 16 four-digit numbers; each one's vector is its one-hot position: nothing but the condition tells them apart
        const int count = 16, T = 5;
        var random = new Random(7);
        var inputs = new int[count * T];
        var targets = new int[count * T];
        var vectors = new float[count * 16];
        var numbers = new int[count][];
        for (int n = 0; n < count; n++)
        {
            numbers[n] = Enumerable.Range(0, 4).Select(_ => random.Next(10)).ToArray();
            inputs[n * T] = ReadmeConditionedExample.Start;
            for (int t = 0; t < 4; t++)
            {
                inputs[n * T + t + 1] = numbers[n][t];
                targets[n * T + t] = numbers[n][t];
            }

            targets[n * T + 4] = ReadmeConditionedExample.End;
            vectors[n * 16 + n] = 1;
        }

        (DigitSpeller _, int[][] greedy, int[][] beam) = ReadmeConditionedExample.Run(inputs, targets, vectors, count);
        for (int n = 0; n < count; n++)
        {
            int[] expected = numbers[n].Append(ReadmeConditionedExample.End).ToArray();
            Assert.Equal(expected, greedy[n]);
            Assert.Equal(expected, beam[n]);
        }
    }
}
