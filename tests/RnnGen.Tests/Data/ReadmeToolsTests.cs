using System.Text.RegularExpressions;
using RnnGen.Baselines;
using RnnGen.Data;

namespace RnnGen.Tests.Data;

/// <summary>The README's "Text and time-series tools" examples, each copied verbatim into a test here that compiles and runs it.</summary>
public sealed class ReadmeToolsTests
{
    private const string TrainingText = "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse. ";

    [Fact]
    public void Every_readme_example_of_the_section_is_a_test_here()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RnnGen.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("RnnGen.sln not found");
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Match section = Regex.Match(readme, "## Text and time-series tools\n(.*?)\n## ", RegexOptions.Singleline);
        Assert.True(section.Success, "README.md has no \"Text and time-series tools\" section");
        string[] here = Lines(File.ReadAllText(Path.Combine(root, "tests", "RnnGen.Tests", "Data", "ReadmeToolsTests.cs")));
        MatchCollection blocks = Regex.Matches(section.Groups[1].Value, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.Equal(4, blocks.Count);
        foreach (Match block in blocks)
        {
            string[] lines = Lines(block.Groups[1].Value);
            bool found = Enumerable.Range(0, here.Length - lines.Length + 1).Any(i => here.AsSpan(i, lines.Length).SequenceEqual(lines));
            Assert.True(found, "README example not copied into ReadmeToolsTests.cs:\n" + block.Groups[1].Value);
        }
    }

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void Text_example()
    {
        string trainingText = TrainingText + TrainingText;
        int[][] perStepTags = { new[] { 1, 2, 3 }, new[] { 4 } };
        var chars = CharacterVocabulary.Build(trainingText);   // ids 4… are the characters in ordinal order
        int[] ids = chars.Encode("Call me Ishmael.");           // unknown characters → SpecialTokens.Unknown
        string text = chars.Decode(ids);                        // "Call me Ishmael."
        string[] words = new WordTokenizer().Tokenize(text);    // Call, me, Ishmael, .  (case and punctuation kept)
        (int[] tags, int[] tagLengths) = TargetPadding.PadTargets(perStepTags, maxLength: 40, paddingValue: -1);
        LaneWindows lanes = LaneWindows.Split(chars.Encode(trainingText), lanes: 4, timeSteps: 50);
        SequenceDataSet stream = lanes.ToDataSet();             // example k·4 + b = window k of lane b

        Assert.Equal("Call me Ishmael.", text);
        Assert.Equal(new[] { "Call", "me", "Ishmael", "." }, words);
        Assert.Equal(80, tags.Length);
        Assert.Equal(new[] { 3, 1 }, tagLengths);
        Assert.Equal(lanes.WindowCount * 4, stream.Count);
    }

    [Fact]
    public void Kneser_ney_example()
    {
        string trainingText = string.Concat(Enumerable.Repeat(TrainingText, 5));
        string heldOutText = "Call me Ishmael, having no money.";
        var chars = CharacterVocabulary.Build(trainingText);
        var ngram = KneserNeyLanguageModel.Train(chars.Encode(trainingText), order: 5, vocabularySize: chars.Size);
        double bits = ngram.BitsPerToken(chars.Encode(heldOutText));
        double[] next = ngram.Distribution(chars.Encode("Call me Ishma"));   // P(next character), sums to 1

        Assert.InRange(bits, 0, Math.Log2(chars.Size));
        Assert.Equal(chars['e'], Array.IndexOf(next, next.Max()));
    }

    [Fact]
    public void Series_example()
    {
        float[] series = Enumerable.Range(0, 60).Select(i => 100 + i + 10 * MathF.Sin(i * MathF.PI / 6)).ToArray();
        int trainCount = 36;
        float[] history = series[..trainCount], actual = series[trainCount..];
        float[] scaledPredictions = StandardScaler.Fit(history).Transform(series.AsSpan(12)); // a perfect model, for the example
        var scaler = StandardScaler.Fit(series.AsSpan(0, trainCount));    // or MinMaxScaler.Fit(…, low: -1, high: 1)
        SeriesWindows windows = SeriesWindows.ManyToOne(scaler.Transform(series), timeSteps: 12);
        float[] forecast = scaler.InverseTransform(scaledPredictions);
        float[] baseline = NaiveForecaster.SeasonalNaive(history, seasonLength: 12, horizon: 24);
        (double rmse, double mae) = NaiveForecaster.Evaluate(baseline, actual);

        Assert.Equal(48, windows.Count);
        Assert.True(Metrics.MeanAbsoluteError(forecast, series[12..]) < 1e-4);
        // the season repeats exactly and the trend adds 1 a step: the first year of the forecast is 12 low, the second 24
        Assert.Equal(Math.Sqrt((12 * 12 + 24 * 24) / 2.0), rmse, 3);
        Assert.Equal(18, mae, 3);
    }

    [Fact]
    public void Metrics_example()
    {
        int[] predictedClasses = { 0, 1, 2, 2 }, actualClasses = { 0, 1, 1, 2 };
        double meanLoss = Math.Log(4);
        double f1 = Metrics.MacroF1(predictedClasses, actualClasses, classCount: 3);
        double bpc = Metrics.BitsPerCharacter(meanLoss);   // meanLoss / ln 2

        Assert.Equal((1 + 2.0 / 3 + 2.0 / 3) / 3, f1, 12); // F1 per class: 1, 2·1/(1 + 2), 2·1/(2 + 1)
        Assert.Equal(2, bpc, 12);
    }
}
