using RnnGen.Generation;

namespace RnnGen.Seq2Seq;

/// <summary>What the training loop and the decoders need of a generated encoder-decoder model.</summary>
public interface IEncoderDecoderModel : ITokenDecoder
{
    /// <summary>Source token ids are in [0, SourceVocabularySize).</summary>
    int SourceVocabularySize { get; }

    /// <summary>All trainable parameters, one contiguous buffer.</summary>
    Span<float> Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>
    /// Training-mode forward pass with teacher forcing: returns the mean cross-entropy over the real target steps, keeps what
    /// <see cref="Backward"/> needs, and writes the output probabilities <c>[B, T, TargetVocabularySize]</c> when
    /// <paramref name="outputs"/> is not empty.
    /// </summary>
    float Forward(in Seq2SeqBatch batch, Span<float> outputs);

    /// <summary>
    /// Inference-mode loss of a batch: the loss of <see cref="Forward"/> with dropout off and every step fed the true previous
    /// target (<c>batch.TeacherForcing</c> must be 1); nothing is kept for <see cref="Backward"/>.
    /// </summary>
    float Evaluate(in Seq2SeqBatch batch, Span<float> outputs);

    /// <summary>Accumulates ∂loss/∂parameters of the last <see cref="Forward"/> into <see cref="Gradients"/>.</summary>
    void Backward();

    /// <summary>Greedy decoding of a batch: writes up to <c>maxLength</c> tokens per source (end token excluded) and returns each length.</summary>
    void Decode(ReadOnlySpan<int> source, int batchSize, int sourceSteps, ReadOnlySpan<int> sourceLengths, Span<int> output, int maxLength, Span<int> outputLengths);
}
