namespace RnnGen.Layers;

/// <summary>Embedding lookup and its gradient.</summary>
public static class EmbeddingKernel
{
    /// <summary>
    /// <c>output[i, :] = table[tokens[i], :]</c>. A token outside <c>[0, vocabularySize)</c> throws
    /// <see cref="ArgumentOutOfRangeException"/> naming the position, the value and the vocabulary size.
    /// </summary>
    public static void Forward(int vocabularySize, int dimension, ReadOnlySpan<int> tokens, ReadOnlySpan<float> table, Span<float> output)
        => throw new NotImplementedException();

    /// <summary><c>dTable[tokens[i], :] += dOutput[i, :]</c>.</summary>
    public static void Backward(int vocabularySize, int dimension, ReadOnlySpan<int> tokens, ReadOnlySpan<float> dOutput, Span<float> dTable)
        => throw new NotImplementedException();
}
