namespace RnnGen.Tests.Samples;

/// <summary>The README's two trained samples run end to end in their smoke modes and print the figures the README quotes.</summary>
[Collection(SampleCollection.Name)]
public sealed class ReadmeSampleTests
{
    [Fact]
    public void Sentiment_smoke_mode_trains_evaluates_and_plots() => SampleRunner.InTemporaryFolder(output =>
    {
        string text = SampleRunner.Run(typeof(Sentiment.SentimentModel).Assembly, "--smoke", "--output", output);
        Assert.InRange(SampleRunner.Figure(text, "test loss:"), 0, 5);
        Assert.InRange(SampleRunner.Figure(text, "test accuracy:"), 0, 1);
        Assert.Contains("<polyline", File.ReadAllText(Path.Combine(output, "training.svg")));
    });

    [Fact]
    public void G2P_smoke_mode_trains_decodes_and_draws_the_attention() => SampleRunner.InTemporaryFolder(output =>
    {
        string text = SampleRunner.Run(typeof(G2P.Speller).Assembly, "--smoke", "--output", output);
        Assert.InRange(SampleRunner.Figure(text, "phoneme error rate:"), 0, 10);
        Assert.InRange(SampleRunner.Figure(text, "word accuracy:"), 0, 1);
        Assert.Contains("examples (held out):", text);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(output, "attention.svg")));
    });
}
