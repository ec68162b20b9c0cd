using System.Runtime.CompilerServices;

namespace RnnGen.Generation;

/// <summary>
/// The bookkeeping every beam search shares: the K best (beam, token) continuations of the live beams by total
/// log-probability. Used by <see cref="BeamSearch"/> (encoder-decoder models) and <see cref="LanguageModelBeam"/>.
/// </summary>
internal static class BeamCandidates
{
    /// <summary>
    /// Fills <paramref name="newScores"/>, <paramref name="beams"/> and <paramref name="tokens"/> (each at least K long,
    /// K = their length) with the best continuations, best first: score = <paramref name="scores"/>[b] +
    /// <paramref name="logProbabilities"/>[b · V + v] over the <paramref name="scores"/>.Length live beams; ties keep the
    /// lower beam, then the lower token; NaN scores are never chosen. Returns how many were chosen (≤ K).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Select(ReadOnlySpan<float> scores, ReadOnlySpan<float> logProbabilities, int vocabularySize,
        Span<float> newScores, Span<int> beams, Span<int> tokens)
    {
        int K = newScores.Length, V = vocabularySize, chosen = 0;
        for (int b = 0; b < scores.Length; b++)
        {
            ReadOnlySpan<float> row = logProbabilities.Slice(b * V, V);
            for (int v = 0; v < V; v++)
            {
                float s = scores[b] + row[v];
                if (chosen < K)
                {
                    if (!float.IsNaN(s))
                    {
                        Insert(newScores, beams, tokens, chosen, s, b, v);
                        chosen++;
                    }
                }
                else if (s > newScores[K - 1])
                {
                    Insert(newScores, beams, tokens, K - 1, s, b, v);
                }
            }
        }

        return chosen;
    }

    /// <summary>Inserts (s, b, v) at or before <paramref name="last"/> keeping <paramref name="scores"/> descending (stable: earlier candidates stay ahead on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Insert(Span<float> scores, Span<int> beams, Span<int> tokens, int last, float s, int b, int v)
    {
        int i = last;
        while (i > 0 && scores[i - 1] < s)
        {
            scores[i] = scores[i - 1];
            beams[i] = beams[i - 1];
            tokens[i] = tokens[i - 1];
            i--;
        }

        scores[i] = s;
        beams[i] = b;
        tokens[i] = v;
    }
}
