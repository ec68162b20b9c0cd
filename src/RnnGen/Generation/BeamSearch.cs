using System.Runtime.CompilerServices;
using RnnGen.Generated;

namespace RnnGen.Generation;

/// <summary>
/// Beam search over an <see cref="ITokenDecoder"/>: keeps the <c>width</c> best partial hypotheses by total log-probability,
/// moves a hypothesis that emits the end token to the finished list, and stops when the best finished hypothesis beats
/// every live one (or at the maximum length). Width 1 is greedy decoding. Buffers are kept between calls.
/// </summary>
public sealed class BeamSearch
{
    private float[] _logProbabilities = Array.Empty<float>();
    private float[] _scores = Array.Empty<float>();
    private float[] _newScores = Array.Empty<float>();
    private int[] _tokens = Array.Empty<int>();
    private int[] _parents = Array.Empty<int>();
    private int[] _history = Array.Empty<int>();
    private int[] _newHistory = Array.Empty<int>();
    private int[] _best = Array.Empty<int>();
    private int[] _candidateBeams = Array.Empty<int>();
    private int[] _candidateTokens = Array.Empty<int>();

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="output"/> (without start and end tokens); returns the number of
    /// tokens written. <paramref name="maxLength"/> bounds the decoded length (end token excluded) and must fit <paramref name="output"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Decode(ITokenDecoder decoder, ReadOnlySpan<int> source, Span<int> output, int width, int maxLength, out float score)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width: expected a beam width ≥ 1 but got {width}.");
        }

        if (maxLength < 1 || maxLength > output.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"maxLength: expected 1…output.Length = 1…{output.Length} but got {maxLength}.");
        }

        int V = decoder.TargetVocabularySize, K = width;
        Buffers.Ensure(ref _logProbabilities, K * V);
        Buffers.Ensure(ref _scores, K);
        Buffers.Ensure(ref _newScores, K);
        Buffers.Ensure(ref _tokens, K);
        Buffers.Ensure(ref _parents, K);
        Buffers.Ensure(ref _history, K * maxLength);
        Buffers.Ensure(ref _newHistory, K * maxLength);
        Buffers.Ensure(ref _best, maxLength);

        Buffers.Ensure(ref _candidateBeams, K);
        Buffers.Ensure(ref _candidateTokens, K);
        decoder.BeginDecoding(source, K);
        int live = 1; // at step 0 every beam is the same: expand only the first
        _tokens[0] = decoder.StartToken;
        _parents[0] = 0;
        _scores[0] = 0;
        float bestScore = float.NegativeInfinity;
        int bestLength = -1;

        for (int step = 0; step <= maxLength && live > 0; step++)
        {
            for (int i = live; i < K; i++)
            {
                _tokens[i] = _tokens[0];
                _parents[i] = _parents[0];
            }

            decoder.DecodeStep(_parents.AsSpan(0, K), _tokens.AsSpan(0, K), _logProbabilities.AsSpan(0, K * V));

            // the K best (beam, token) continuations of the live beams by total log-probability (ties: lower beam, then lower token)
            Span<float> newScores = _newScores.AsSpan(0, K);
            Span<int> beams = _candidateBeams.AsSpan(0, K), tokens = _candidateTokens.AsSpan(0, K);
            int chosen = BeamCandidates.Select(_scores.AsSpan(0, live), _logProbabilities.AsSpan(0, live * V), V, newScores, beams, tokens);

            // hypotheses that end leave the beam; the others (while shorter than maxLength) are the next live beams
            int next = 0;
            for (int c = 0; c < chosen; c++)
            {
                int parent = beams[c], token = tokens[c];
                if (token == decoder.EndToken)
                {
                    if (newScores[c] > bestScore)
                    {
                        bestScore = newScores[c];
                        bestLength = step;
                        _history.AsSpan(parent * maxLength, step).CopyTo(_best);
                    }
                }
                else if (step < maxLength)
                {
                    _history.AsSpan(parent * maxLength, step).CopyTo(_newHistory.AsSpan(next * maxLength, step));
                    _newHistory[next * maxLength + step] = token;
                    _newScores[next] = newScores[c];
                    _parents[next] = parent;
                    _tokens[next] = token;
                    next++;
                }
            }

            if (step == maxLength)
            {
                if (bestLength < 0)
                {
                    // nothing ended within maxLength tokens: the best of the full-length hypotheses
                    bestScore = _scores[0];
                    bestLength = maxLength;
                    _history.AsSpan(0, maxLength).CopyTo(_best);
                }

                break;
            }

            newScores.Slice(0, next).CopyTo(_scores);
            (_history, _newHistory) = (_newHistory, _history);
            live = next;

            // a hypothesis only loses log-probability as it grows: stop once the best finished one is ahead of every live one
            if (bestLength >= 0 && (live == 0 || _scores[0] <= bestScore))
            {
                break;
            }
        }

        score = bestScore;
        _best.AsSpan(0, bestLength).CopyTo(output);
        return bestLength;
    }
}
