using System.Text.RegularExpressions;
using RnnGen.Data;
using RnnGen.Training;

namespace RnnGen.Tests.Readme;

/// <summary>The README's "Training" block is ReadmeTrainingExample's marked code, and that code runs.</summary>
public sealed class ReadmeTrainingTests
{
    [Fact]
    public void Readme_block_equals_the_tested_code()
    {
        string root = ReadmeBlocks.RepositoryRoot();
        string example = File.ReadAllText(Path.Combine(root, "tests", "RnnGen.Tests", "Readme", "ReadmeTrainingExample.cs")).ReplaceLineEndings("\n");
        string expected = ReadmeBlocks.Region(example, "callback", "ReadmeTrainingExample.cs") + "\n" + ReadmeBlocks.Dedent(ReadmeBlocks.Region(example, "body", "ReadmeTrainingExample.cs"));

        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n## Training\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no section \"Training\"");
        Match block = Regex.Match(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the section has no csharp block");
        Assert.Equal(expected, block.Groups[1].Value);
    }

    [Fact]
    public void Readme_code_trains_with_metrics_class_weights_early_stopping_and_a_checkpoint()
    {
        // a review is positive when it holds word 5 (about a quarter of them); words 2 … 19, 12 per review
        var random = new Random(3);
        SequenceDataSet Reviews(int count)
        {
            int[] tokens = new int[count * 12];
            float[] labels = new float[count];
            for (int n = 0; n < count; n++)
            {
                for (int t = 0; t < 12; t++)
                {
                    int word = random.Next(2, 20);
                    tokens[n * 12 + t] = word == 5 && random.NextDouble() < 0.6 ? 6 : word;
                }

                labels[n] = tokens.AsSpan(n * 12, 12).Contains(5) ? 1 : 0;
            }

            return SequenceDataSet.FromTokens(tokens, count, 12, labels, targetWidth: 1);
        }

        string directory = Path.Combine(Path.GetTempPath(), "rnngen-readme-training-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string checkpoint = Path.Combine(directory, "run.safetensors");
            (TrainingHistory history, TrainingHistory? resumed, EvaluationResult test, ReviewModel model) =
                ReadmeTrainingExample.Run(Reviews(256), Reviews(64), Reviews(64), checkpoint);

            Assert.All(history.Epochs, e => Assert.Equal(4, e.ValidationMetrics.Count));
            double[] f1 = history.Of(FitMetric.MacroF1, validation: true);
            Assert.Equal(Array.IndexOf(f1, f1.Max()) + 1, history.BestEpoch);
            Assert.True(test.Metrics[FitMetric.MacroF1] > 0.8, $"test F1 {test.Metrics[FitMetric.MacroF1]:F3}");
            Assert.True(File.Exists(checkpoint));
            int last = history.Epochs[^1].Epoch;
            if (history.StopReason == StopReason.Completed) Assert.Null(resumed);
            else Assert.Equal(Enumerable.Range(last + 1, 30 - last), resumed!.Epochs.Select(e => e.Epoch));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
