using System.Runtime.CompilerServices;
using RnnGen.Generated;

namespace RnnGen.Generation;

/// <summary>
/// Beam search for a many-to-many token language model, and the workspace it runs in: a generated model's
/// <c>Generate(prefix, output, beam, state)</c> keeps the <see cref="Width"/> best continuations by total log-probability
/// <c>Σ log softmax(logits)</c> of the generated tokens, each with its own copy of the recurrent state, and writes the best
/// one. Width 1 is greedy decoding; a width of Vⁿ⁻¹ or more searches every sequence of n tokens. Reusable (one search at a
/// time): buffers and per-beam states are made on first use and kept, so later searches of at most as many tokens with
/// the same model allocate nothing.
/// </summary>
public sealed class LanguageModelBeam
{
    private float[] _logProbabilities = Array.Empty<float>();
    private float[] _scores = Array.Empty<float>();
    private float[] _newScores = Array.Empty<float>();
    private int[] _parents = Array.Empty<int>();
    private int[] _tokens = Array.Empty<int>();
    private int[] _stepParents = Array.Empty<int>();
    private int[] _stepTokens = Array.Empty<int>();
    private ModelState[] _states = Array.Empty<ModelState>();
    private ModelState[] _nextStates = Array.Empty<ModelState>();

    /// <summary>A workspace for beams of <paramref name="width"/> hypotheses.</summary>
    public LanguageModelBeam(int width)
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width: expected a beam width ≥ 1 but got {width}.");
        }

        Width = width;
    }

    /// <summary>Hypotheses kept per step.</summary>
    public int Width { get; }

    /// <summary>
    /// Steps <paramref name="state"/> through <paramref name="prefix"/>, searches, writes the best <c>output.Length</c>
    /// tokens and leaves <paramref name="state"/> as the sampling <c>Generate</c> does (after every generated token but
    /// the last); returns the best sequence's total log-probability.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal float Search(IBeamLanguageModel model, InferenceBuffers buffers, ReadOnlySpan<int> prefix, Span<int> output, ModelState state, ReadOnlySpan<float> condition = default)
    {
        int K = Width, V = model.OutputSize, N = output.Length;
        Span<float> first = Prepare(model, state, V, N).AsSpan(0, V);
        for (int i = 0; i < prefix.Length; i++)
        {
            model.StepLogProbabilities(buffers, prefix[i], first, state, i == 0 ? condition : default); // a condition restarts the state
        }

        if (N == 0)
        {
            return 0f;
        }

        state.Values.CopyTo(_states[0].Values);
        _scores[0] = 0f;
        int live = 1; // after the prefix there is one hypothesis
        for (int step = 0; ; step++)
        {
            Span<float> newScores = _newScores.AsSpan(0, K);
            Span<int> parents = _parents.AsSpan(0, K), tokens = _tokens.AsSpan(0, K);
            int chosen = BeamCandidates.Select(_scores.AsSpan(0, live), _logProbabilities.AsSpan(0, live * V), V, newScores, parents, tokens);
            if (chosen == 0)
            {
                throw new InvalidOperationException("Generate: every continuation's log-probability is NaN (the model's outputs are NaN).");
            }

            parents.Slice(0, chosen).CopyTo(_stepParents.AsSpan(step * K));
            tokens.Slice(0, chosen).CopyTo(_stepTokens.AsSpan(step * K));
            if (step == N - 1)
            {
                break;
            }

            // each chosen continuation carries on from a copy of its parent's state
            for (int c = 0; c < chosen; c++)
            {
                _states[parents[c]].Values.CopyTo(_nextStates[c].Values);
                model.StepLogProbabilities(buffers, tokens[c], _logProbabilities.AsSpan(c * V, V), _nextStates[c], default);
            }

            (_states, _nextStates) = (_nextStates, _states);
            newScores.Slice(0, chosen).CopyTo(_scores);
            live = chosen;
        }

        // back from the best hypothesis (candidate 0 of the last step) along its parents
        int beam = 0;
        for (int step = N - 1; step >= 0; step--)
        {
            output[step] = _stepTokens[step * K + beam];
            beam = _stepParents[step * K + beam];
        }

        _states[_stepParents[(N - 1) * K]].Values.CopyTo(state.Values);
        return _newScores[0];
    }

    /// <summary>Sizes the buffers for a search of <paramref name="length"/> tokens over <paramref name="vocabularySize"/> outputs; returns the log-probability rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float[] Prepare(IBeamLanguageModel model, ModelState state, int vocabularySize, int length)
    {
        int K = Width;
        Buffers.Ensure(ref _logProbabilities, checked(K * vocabularySize));
        Buffers.Ensure(ref _scores, K);
        Buffers.Ensure(ref _newScores, K);
        Buffers.Ensure(ref _parents, K);
        Buffers.Ensure(ref _tokens, K);
        Buffers.Ensure(ref _stepParents, checked(K * length));
        Buffers.Ensure(ref _stepTokens, checked(K * length));
        if (_states.Length != K || _states[0].GetType() != state.GetType() || _states[0].Values.Length != state.Values.Length)
        {
            // first use, or another model's state: one single-stream state per hypothesis, twice (this step's and the next)
            _states = new ModelState[K];
            _nextStates = new ModelState[K];
            for (int i = 0; i < K; i++)
            {
                _states[i] = model.CreateStreamState();
                _nextStates[i] = model.CreateStreamState();
            }
        }

        return _logProbabilities;
    }
}

/// <summary>What <see cref="LanguageModelBeam"/> needs of a token language model's runtime core.</summary>
internal interface IBeamLanguageModel
{
    /// <summary>Tokens in a row of log-probabilities.</summary>
    int OutputSize { get; }

    /// <summary>A zero state for one stream.</summary>
    ModelState CreateStreamState();

    /// <summary>Advances <paramref name="state"/> (one stream) by <paramref name="token"/> in <paramref name="buffers"/> and writes <c>log p(next token)</c>.</summary>
    void StepLogProbabilities(InferenceBuffers buffers, int token, Span<float> logProbabilities, ModelState state, ReadOnlySpan<float> condition);
}
