using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Generated;

/// <summary>Argument checks of generated models: each message names the parameter, the expected and the actual value.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
    public static void Positive(string name, int value)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name}: expected a positive count but got {value}.");
        }
    }

    /// <summary>Throws unless <paramref name="actual"/> = batch · time · width, the length of a <paramref name="shape"/> tensor.</summary>
    public static void Length(string name, int actual, int batch, int time, int width, string shape)
    {
        long expected = (long)batch * time * width;
        if (actual != expected)
        {
            string formula = time == 1 ? $"{batch}·{width}" : width == 1 ? $"{batch}·{time}" : $"{batch}·{time}·{width}";
            throw new ArgumentException($"{name}: expected {shape} = {formula} = {expected} elements but got {actual}.", name);
        }
    }

    /// <summary>Throws unless <paramref name="lengths"/> is empty or holds <paramref name="batch"/> values in 1 … <paramref name="time"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lengths(string name, ReadOnlySpan<int> lengths, int batch, int time)
    {
        if (lengths.IsEmpty)
        {
            return;
        }

        if (lengths.Length != batch)
        {
            throw new ArgumentException($"{name}: expected one length per sequence, [batchSize] = {batch}, but got {lengths.Length}.", name);
        }

        for (int b = 0; b < lengths.Length; b++)
        {
            if (lengths[b] < 1 || lengths[b] > time)
            {
                throw new ArgumentOutOfRangeException(name, lengths[b], $"{name}[{b}]: expected a length in 1…timeSteps = 1…{time} but got {lengths[b]}.");
            }
        }
    }

    /// <summary>The exception for a batch whose workspace would not fit one .NET array.</summary>
    public static ArgumentOutOfRangeException WorkspaceTooLarge(int batch, int time)
        => new("batchSize", batch, $"batchSize·timeSteps = {batch}·{time} = {(long)batch * time} steps need a workspace larger than one .NET array holds; run the batch in smaller parts.");

    /// <summary>Zeroes the rows <c>[b, t, :]</c> with t ≥ lengths[b] of a <c>[B, T, width]</c> tensor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ZeroPaddedRows(Span<float> values, ReadOnlySpan<int> lengths, int time, int width)
    {
        for (int b = 0; b < lengths.Length; b++)
        {
            int start = (b * time + lengths[b]) * width;
            values.Slice(start, (time - lengths[b]) * width).Clear();
        }
    }

    /// <summary>Row weights <c>[B, T]</c>: 1 for t &lt; lengths[b], 0 for padded steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FillRowWeights(Span<float> weights, ReadOnlySpan<int> lengths, int time)
    {
        for (int b = 0; b < lengths.Length; b++)
        {
            Span<float> row = weights.Slice(b * time, time);
            row.Slice(0, lengths[b]).Fill(1f);
            row.Slice(lengths[b]).Clear();
        }
    }

    /// <summary>Throws unless every id in <paramref name="tokens"/> is in 0 … <paramref name="vocabularySize"/> − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tokens(string name, ReadOnlySpan<int> tokens, int vocabularySize)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(name, tokens[i], $"{name}[{i}]: expected a token id in 0…{vocabularySize - 1} but got {tokens[i]}.");
            }
        }
    }

    /// <summary>
    /// Throws unless every class id in <paramref name="ids"/> is in 0 … <paramref name="classes"/> − 1. With
    /// <paramref name="lengths"/>, <paramref name="ids"/> is <c>[B, time]</c> and padded steps (t ≥ lengths[b]), which the
    /// loss ignores, may hold anything.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClassIds(string name, ReadOnlySpan<int> ids, int classes, ReadOnlySpan<int> lengths = default, int time = 0)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)classes && !IsPadding(i, lengths, time))
            {
                throw new ArgumentOutOfRangeException(name, ids[i], $"{name}[{i}]: expected a class id in 0…{classes - 1} but got {ids[i]}.");
            }
        }
    }

    /// <summary>Throws unless every value of <paramref name="values"/> (<c>[…, width]</c>) is in [0, 1], as binary cross-entropy targets are; padded steps as in <see cref="ClassIds"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Probabilities(string name, ReadOnlySpan<float> values, int width, ReadOnlySpan<int> lengths = default, int time = 0)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0f && values[i] <= 1f) && !IsPadding(i / width, lengths, time))
            {
                throw new ArgumentOutOfRangeException(name, values[i], $"{name}[{i}]: expected a binary cross-entropy target in [0, 1] but got {values[i]}.");
            }
        }
    }

    /// <summary>Whether row <paramref name="row"/> of a <c>[B, time]</c> tensor lies past its sequence's length.</summary>
    private static bool IsPadding(int row, ReadOnlySpan<int> lengths, int time) => !lengths.IsEmpty && row % time >= lengths[row / time];

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1].</summary>
    public static void Probability(string name, float value)
    {
        if (!(value >= 0f && value <= 1f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name}: expected a probability in [0, 1] but got {value}.");
        }
    }
}
