namespace RnnGen.Generation;

/// <summary>
/// A model that decodes a token sequence one step at a time for several hypotheses (beams) at once. Generated
/// encoder-decoder models implement it; <see cref="BeamSearch"/> drives it.
/// </summary>
public interface ITokenDecoder
{
    /// <summary>Output tokens (the width of one row of log-probabilities).</summary>
    int TargetVocabularySize { get; }

    /// <summary>The first decoder input.</summary>
    int StartToken { get; }

    /// <summary>The token that ends a hypothesis.</summary>
    int EndToken { get; }

    /// <summary>Encodes one source sequence and starts <paramref name="beams"/> identical decoder states from it.</summary>
    void BeginDecoding(ReadOnlySpan<int> source, int beams);

    /// <summary>
    /// Advances every beam by one step: beam i continues the state of beam <paramref name="parents"/>[i] of the previous
    /// step with input <paramref name="tokens"/>[i], and writes <c>log p(next token)</c> <c>[beams, TargetVocabularySize]</c>.
    /// </summary>
    void DecodeStep(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities);
}
