// README ↓ usings
using RnnGen.Data;
using RnnGen.Embeddings;
// README ↑

namespace RnnGen.Tests.Readme;

// README ↓ model
[RnnModel(Loss = Loss.BinaryCrossEntropy)]
public partial class PretrainedReviewer
{
    [Embedding(5_000, 50, Trainable = false)] public partial EmbeddingLayer Words { get; }
    [Lstm(32)]                                public partial RecurrentLayer Reader { get; }
    [Dense(1, Activation.Sigmoid)]            public partial DenseLayer Positive { get; }
}
// README ↑

/// <summary>The README's "Word vectors and pretrained embeddings" code: the marked lines are the README block, verbatim (ReadmeWordVectorsTests checks).</summary>
internal static class ReadmeWordVectorsExample
{
    public static (IReadOnlyList<(string Word, float Similarity)> Neighbours, IReadOnlyList<(string Word, float Similarity)> Queen, WordVectors Loaded,
        WordVocabulary Vocabulary, PretrainedReviewer Model, int Found, string Summary) Run(IReadOnlyList<string[]> sentences, string directory)
    {
        // README ↓ body
        WordVectors vectors = Word2Vec.Train(sentences, new Word2VecOptions { Architecture = Word2VecArchitecture.SkipGram, Dimensions = 50, Threads = 1 });
        var neighbours = vectors.Nearest("whale", count: 5);   // (word, cosine similarity), most similar first
        var queen = vectors.Analogy("man", "king", "woman");    // king − man + woman
        string path = Path.Combine(directory, "vectors.txt");
        WordVectorFiles.Save(vectors, path, WordVectorFormat.GloVe);
        WordVectors loaded = WordVectorFiles.Load(path);        // or a word2vec / GloVe file you downloaded

        WordVocabulary vocabulary = WordVocabulary.Build(sentences, maxSize: 5_000);
        var model = new PretrainedReviewer(seed: 1);
        int found = model.Words.LoadVectors(loaded, vocabulary); // row vocabulary[w] ← the vector of w; other rows keep their initial values
        string summary = model.Summary();                       // "Non-trainable params: 250,000": the frozen table
        // README ↑
        return (neighbours, queen, loaded, vocabulary, model, found, summary);
    }
}
