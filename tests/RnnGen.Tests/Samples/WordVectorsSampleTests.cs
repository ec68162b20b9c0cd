using System.Reflection;
using RnnGen.Embeddings;

namespace RnnGen.Tests.Samples;

/// <summary>samples/WordVectors: word2vec on a slice of Moby-Dick in its smoke mode, queries and the vectors file.</summary>
[Collection(SampleCollection.Name)]
public sealed class WordVectorsSampleTests
{
    [Fact]
    public void Smoke_mode_trains_queries_and_writes_a_readable_vectors_file() => SampleRunner.InTemporaryFolder(output =>
    {
        // the sample has no public type to name: load it by its assembly name
        string text = SampleRunner.Run(Assembly.Load(new AssemblyName("WordVectors")), "--smoke", "--output", output);
        Assert.Contains("whale    → ", text);
        Assert.InRange(SampleRunner.Figure(text, "related above unrelated:"), 0, 10);
        WordVectors vectors = WordVectorFiles.Load(Path.Combine(output, "moby-dick-vectors.txt"));
        Assert.Equal(100, vectors.Dimensions);
        Assert.True(vectors.Contains("whale"));
    });
}
