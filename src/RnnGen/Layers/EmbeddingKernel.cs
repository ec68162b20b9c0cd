using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace RnnGen.Layers;

/// <summary>Embedding lookup and its gradient.</summary>
public static class EmbeddingKernel
{
    /// <summary>
    /// <c>output[i, :] = table[tokens[i], :]</c>. A token outside <c>[0, vocabularySize)</c> throws
    /// <see cref="ArgumentOutOfRangeException"/> naming the position, the value and the vocabulary size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int vocabularySize, int dimension, ReadOnlySpan<int> tokens, ReadOnlySpan<float> table, Span<float> output)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            if ((uint)token >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"tokens[{i}]: expected a token id in 0…{vocabularySize - 1} (VocabularySize = {vocabularySize}) but got {token}.");
            }

            table.Slice(token * dimension, dimension).CopyTo(output.Slice(i * dimension, dimension));
        }
    }

    /// <summary><c>dTable[tokens[i], :] += dOutput[i, :]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int vocabularySize, int dimension, ReadOnlySpan<int> tokens, ReadOnlySpan<float> dOutput, Span<float> dTable)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            int token = tokens[i];
            if ((uint)token >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"tokens[{i}]: expected a token id in 0…{vocabularySize - 1} but got {token}.");
            }

            Span<float> row = dTable.Slice(token * dimension, dimension);
            TensorPrimitives.Add(row, dOutput.Slice(i * dimension, dimension), row);
        }
    }
}
