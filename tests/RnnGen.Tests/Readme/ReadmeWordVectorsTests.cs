using System.Text.RegularExpressions;
using RnnGen.Data;

namespace RnnGen.Tests.Readme;

/// <summary>The README's "Word vectors and pretrained embeddings" block is ReadmeWordVectorsExample's marked code, and that code runs.</summary>
public sealed class ReadmeWordVectorsTests
{
    [Fact]
    public void Readme_block_equals_the_tested_code()
    {
        string root = ReadmeBlocks.RepositoryRoot();
        const string file = "ReadmeWordVectorsExample.cs";
        string example = File.ReadAllText(Path.Combine(root, "tests", "RnnGen.Tests", "Readme", file)).ReplaceLineEndings("\n");
        string expected = ReadmeBlocks.Region(example, "code", file);

        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n## Word vectors and pretrained embeddings\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no section \"Word vectors and pretrained embeddings\"");
        Match block = Regex.Match(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the section has no csharp block");
        Assert.Equal(expected, block.Groups[1].Value);
    }

    [Fact]
    public void Readme_code_trains_queries_round_trips_and_fills_the_frozen_table()
    {
        // 400 sentences over 16 words, and "narwhal" twice: in the vocabulary, below word2vec's MinCount of 5
        string[] words = { "the", "whale", "sea", "ship", "man", "king", "woman", "queen", "boat", "deck", "crown", "harpoon", "sail", "wave", "throne", "rope" };
        var random = new Random(11);
        var sentences = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)]).ToArray()).ToList();
        sentences.Add(["narwhal", "the", "sea"]);
        sentences.Add(["narwhal", "whale"]);

        string directory = Path.Combine(Path.GetTempPath(), "rnngen-readme-vectors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var run = WordVectorExample.Run(sentences, directory);

            Assert.Equal(words.Length, run.Loaded.Count);
            Assert.False(run.Loaded.Contains("narwhal"));

            Assert.Equal(words.Length, run.Found);
            Span<float> table = run.Model.Words.Weight.Values.Span;
            foreach (string word in words)
            {
                Assert.Equal(run.Loaded[word].ToArray(), table.Slice(run.Vocabulary[word] * 50, 50).ToArray());
            }

            int narwhal = run.Vocabulary["narwhal"];
            Assert.NotEqual(SpecialTokens.Unknown, narwhal);
            float[] initial = new PretrainedReviewer(seed: 1).Words.Weight.Values.Slice(narwhal * 50, 50).ToArray();
            Assert.Equal(initial, table.Slice(narwhal * 50, 50).ToArray());
            Assert.Contains("Non-trainable params: 250,000", run.Model.Summary());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
