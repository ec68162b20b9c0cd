// README ↓ code
using RnnGen;
using RnnGen.Data;
using RnnGen.Embeddings;

[RnnModel(Loss = Loss.BinaryCrossEntropy)]
public partial class PretrainedReviewer
{
    [Embedding(5_000, 50, Trainable = false)] public partial EmbeddingLayer Words { get; }
    [Lstm(32)]                                public partial RecurrentLayer Reader { get; }
    [Dense(1, Activation.Sigmoid)]            public partial DenseLayer Positive { get; }
}

public static class WordVectorExample
{
    public static (WordVectors Loaded, WordVocabulary Vocabulary, PretrainedReviewer Model, int Found) Run(
        System.Collections.Generic.IReadOnlyList<string[]> sentences, string directory)
    {
        WordVectors vectors = Word2Vec.Train(sentences, new Word2VecOptions { Architecture = Word2VecArchitecture.SkipGram, Dimensions = 50, Threads = 1 });
        var neighbours = vectors.Nearest("whale", count: 5);   // (word, cosine similarity), most similar first
        var queen = vectors.Analogy("man", "king", "woman");    // king − man + woman
        string path = System.IO.Path.Combine(directory, "vectors.txt");
        WordVectorFiles.Save(vectors, path, WordVectorFormat.GloVe);
        WordVectors loaded = WordVectorFiles.Load(path);        // or a word2vec / GloVe file you downloaded

        WordVocabulary vocabulary = WordVocabulary.Build(sentences, maxSize: 5_000);
        var model = new PretrainedReviewer(seed: 1);
        int found = model.Words.LoadVectors(loaded, vocabulary); // row vocabulary[w] ← the vector of w; other rows keep their initial values
        System.Console.WriteLine(model.Summary());              // "Non-trainable params: 250,000": the frozen table
        return (loaded, vocabulary, model, found);
    }
}
// README ↑
