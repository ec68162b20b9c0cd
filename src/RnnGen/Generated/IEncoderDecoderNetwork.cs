using System.ComponentModel;
using RnnGen.Layers;

namespace RnnGen.Generated;

/// <summary>
/// What the generator emits for an encoder-decoder model, as static members of one struct: its sizes, the workspace
/// layout of its encoder and decoder layers (the struct's fields) and their op sequences. The encoder runs over the whole
/// source like a sequential model; the decoder runs one step at a time, each step in its own copy of the decoder's
/// layout. <see cref="EncoderDecoderCore{TNetwork, TAttention, TOutput}"/> owns everything else.
/// </summary>
/// <typeparam name="TSelf">The generated struct.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IEncoderDecoderNetwork<TSelf> where TSelf : struct, IEncoderDecoderNetwork<TSelf>
{
    /// <summary>The model's sizes and options.</summary>
    static abstract EncoderDecoderInfo Info { get; }

    /// <summary>Lays the encoder's layers out over <c>[B, S]</c> (activations, or after <see cref="WorkspaceBuilder.StartGradients"/> gradients).</summary>
    static abstract void LayEncoder(ref TSelf layout, ref WorkspaceBuilder builder);

    /// <summary>Lays the decoder's layers (target embedding first) out for one step <c>[B, 1]</c>.</summary>
    static abstract void LayDecoder(ref TSelf layout, ref WorkspaceBuilder builder);

    /// <summary>The encoder's last layer: its output is what attention reads.</summary>
    static abstract LayerBuffers EncoderOutput(in TSelf layout);

    /// <summary>The target embedding of one decoder step.</summary>
    static abstract LayerBuffers TargetEmbedding(in TSelf layout);

    /// <summary>The decoder's last layer: its output <c>s_t</c> is what the output layer reads.</summary>
    static abstract LayerBuffers DecoderOutput(in TSelf layout);

    /// <summary>The encoder's layers over the source (the pass's tokens); their final states go to the pass's state.</summary>
    static abstract void Encode(in TSelf layout, in SequencePass pass);

    /// <summary>Backward of <see cref="Encode"/>; ∂loss/∂(final states) is the pass's final-state gradient.</summary>
    static abstract void EncodeBackward(in TSelf layout, in SequencePass pass);

    /// <summary>Each decoder layer's initial state from the final state of the encoder layer at its depth from the top.</summary>
    static abstract void StartDecoder(in TSelf layout, in DecoderStates states);

    /// <summary>Backward of <see cref="StartDecoder"/>.</summary>
    static abstract void StartDecoderBackward(in TSelf layout, in DecoderStates states);

    /// <summary>Beam search: row b of every decoder state becomes row <c>parents[b]</c> of the previous one.</summary>
    static abstract void GatherDecoderStates(in TSelf layout, in DecoderStates states, ReadOnlySpan<int> parents);

    /// <summary>The target embedding of one step (the pass's tokens are the step's inputs <c>y_(t−1)</c>).</summary>
    static abstract void Embed(in TSelf layout, in SequencePass pass);

    /// <summary>Backward of <see cref="Embed"/>.</summary>
    static abstract void EmbedBackward(in TSelf layout, in SequencePass pass);

    /// <summary>The decoder's recurrent layers for one step: the pass's input is <c>x_t</c>, its state the decoder's running state.</summary>
    static abstract void Decode(in TSelf layout, in SequencePass pass);

    /// <summary>Backward of <see cref="Decode"/> for one step: ∂loss/∂(state after the step) in, ∂loss/∂(state before it) out.</summary>
    static abstract void DecodeBackward(in TSelf layout, in SequencePass pass);
}

/// <summary>The sizes of a generated encoder-decoder model.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct EncoderDecoderInfo
{
    /// <summary>The sizes every encoder-decoder model has; <see cref="HasDropout"/> is set by name.</summary>
    public EncoderDecoderInfo(int sourceVocabularySize, int targetVocabularySize, int startToken, int endToken, int parameterCount, int encoderStateSize, int decoderStateSize)
    {
        SourceVocabularySize = sourceVocabularySize;
        TargetVocabularySize = targetVocabularySize;
        StartToken = startToken;
        EndToken = endToken;
        ParameterCount = parameterCount;
        EncoderStateSize = encoderStateSize;
        DecoderStateSize = decoderStateSize;
    }

    /// <summary>Source token ids are in [0, SourceVocabularySize).</summary>
    public int SourceVocabularySize { get; }

    /// <summary>Target token ids are in [0, TargetVocabularySize).</summary>
    public int TargetVocabularySize { get; }

    /// <summary>The decoder's first input.</summary>
    public int StartToken { get; }

    /// <summary>The token that ends a decoded sequence.</summary>
    public int EndToken { get; }

    /// <summary>Trainable floats.</summary>
    public int ParameterCount { get; }

    /// <summary>Floats of the encoder layers' final states per sequence.</summary>
    public int EncoderStateSize { get; }

    /// <summary>Floats of the decoder layers' states per sequence.</summary>
    public int DecoderStateSize { get; }

    /// <summary>Whether any layer has dropout.</summary>
    public bool HasDropout { get; init; }

    /// <summary>
    /// <c>ContextToEveryStep</c> models: the width of the context C (the top decoder layer's initial state, from the encoder)
    /// fed to every decoder step and to the output layer; 0: none (the model may have attention, whose context is its own).
    /// </summary>
    public int ContextSize { get; init; }
}

/// <summary>The attention layer of an encoder-decoder model: score <c>(query s_(t−1), keys of the encoder outputs)</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IAttentionShape : ILayerShape
{
    /// <summary>The score function.</summary>
    static abstract AttentionScore Score { get; }

    /// <summary>Width of the query: the top decoder layer's units.</summary>
    static abstract int QuerySize { get; }

    /// <summary>Width of the values: the encoder's output width (and of the context).</summary>
    static abstract int ValueSize { get; }

    /// <summary>Hidden units of the additive score.</summary>
    static virtual int Units => 0;

    /// <summary>False for <see cref="NoAttention"/>: the model has no attention layer.</summary>
    static virtual bool Exists => true;
}

/// <summary>The attention shape of a model without attention.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct NoAttention : IAttentionShape
{
    /// <inheritdoc/>
    public static int ParameterOffset => 0;

    /// <inheritdoc/>
    public static AttentionScore Score => AttentionScore.Dot;

    /// <inheritdoc/>
    public static int QuerySize => 0;

    /// <inheritdoc/>
    public static int ValueSize => 0;

    /// <inheritdoc/>
    public static bool Exists => false;
}

/// <summary>The encoder's final states and the decoder's states of one batch (offsets per stream as in a model State).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct DecoderStates
{
    /// <summary>B.</summary>
    public int Batch { get; init; }

    /// <summary>What is read: the encoder's final states (or, gathering, the previous decoder states).</summary>
    public Span<float> From { get; init; }

    /// <summary>What is written: the decoder's states.</summary>
    public Span<float> To { get; init; }

    /// <summary>Backward: ∂loss/∂<see cref="From"/>, written.</summary>
    public Span<float> FromGradient { get; init; }

    /// <summary>Backward: ∂loss/∂<see cref="To"/>.</summary>
    public Span<float> ToGradient { get; init; }
}
