using RnnGen;

namespace G2P;

/// <summary>
/// Grapheme-to-phoneme conversion with attention (Bahdanau et al. 2015): a bidirectional LSTM reads the letters, an LSTM
/// writes the phonemes one at a time, looking back at the letters through additive attention at every step.
/// Letters: 0 padding, 1–26 A–Z, 27 apostrophe. Phonemes: 0 padding, 1 start, 2 end, 3… the 39 ARPAbet phonemes.
/// </summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class Speller
{
    public const int Letters = 28, Phonemes = 42;

    [Encoder, Embedding(Letters, 32)] public partial EmbeddingLayer Spelling { get; }
    [Encoder, Bidirectional, Lstm(96, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(Phonemes, 32)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(192)] public partial RecurrentLayer Writer { get; }
    [Attention(AttentionScore.Additive, 64)] public partial AttentionLayer Attend { get; }
    [Dense(Phonemes, Activation.Softmax)] public partial DenseLayer Phoneme { get; }
}
