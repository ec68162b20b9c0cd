using CharLM;

namespace RnnGen.Tests.Samples;

/// <summary>The CharLM sample's <c>--smoke</c> settings end to end: data, stateful training, streaming scoring, baselines, generation.</summary>
public sealed class CharLmSmokeTests
{
    private static readonly string Book = Path.Combine(AppContext.BaseDirectory, "data", "moby-dick.txt");

    [Fact]
    public void Smoke_run_learns_something_scores_both_models_and_generates_text()
    {
        var log = new StringWriter();
        CharLmResult result = CharLmRun.Run(Book, CharLmSettings.Smoke, log);

        Assert.True(double.IsFinite(result.ModelBits) && double.IsFinite(result.KneserNeyBits), log.ToString());
        Assert.True(result.ModelBits < result.UnigramBits, $"after a few steps the LSTM ({result.ModelBits:F3}) beats the unigram ({result.UnigramBits:F3})");
        Assert.True(result.KneserNeyBits < result.UnigramBits, $"the 5-gram ({result.KneserNeyBits:F3}) beats the unigram ({result.UnigramBits:F3})");
        Assert.InRange(result.ScoredCharacters, 500, 600);
        Assert.Equal([0.5f, 1.0f], result.Samples.Select(s => s.Temperature));
        Assert.All(result.Samples, s => Assert.Equal(CharLmSettings.Smoke.GeneratedCharacters, s.Text.Length));
        Assert.Contains("Kneser-Ney 5-gram", log.ToString());
    }

    [Fact]
    public void Preprocessing_lowercases_and_collapses_whitespace()
        => Assert.Equal("call me ishmael. some years ago—", CharLmRun.Preprocess("  Call me\r\nIshmael.  Some years\tago—\n"));
}
