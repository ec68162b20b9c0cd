namespace RnnGen.Tests.Samples;

/// <summary>samples/WordVectors: word2vec on a slice of Moby-Dick in its smoke mode, queries and the vectors file.</summary>
[Collection(SampleCollection.Name)]
public sealed class WordVectorsSampleTests
{
    [Fact]
    public void Smoke_mode_trains_queries_and_writes_a_readable_vectors_file()
    {
        string output = Path.Combine(Path.GetTempPath(), "rnngen-w2v-" + Guid.NewGuid().ToString("N"));
        try
        {
            string text = SampleRunner.Run(SampleAssembly(), "--smoke", "--output", output);
            Assert.Contains("whale    → ", text);
            Assert.InRange(SampleRunner.Figure(text, "related above unrelated:"), 0, 10);
            var vectors = RnnGen.Embeddings.WordVectorFiles.Load(Path.Combine(output, "moby-dick-vectors.txt"));
            Assert.Equal(100, vectors.Dimensions);
            Assert.True(vectors.Contains("whale"));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static System.Reflection.Assembly SampleAssembly() =>
        System.Reflection.Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "WordVectors.dll"));
}
