namespace RnnGen;

/// <summary>
/// Puts a layer into the encoder of an encoder-decoder model: an <see cref="EmbeddingAttribute"/> (source tokens) followed by
/// recurrent layers, bidirectional allowed. The encoder reads the whole source sequence; its last layer's outputs are
/// what attention looks at, and its layers' final states start the decoder's layers.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class EncoderAttribute : Attribute
{
}

/// <summary>
/// Puts a layer into the decoder of an encoder-decoder model: an <see cref="EmbeddingAttribute"/> (target tokens, the
/// previous output fed back) followed by one or more unidirectional recurrent layers. Decoder layer k from the top starts
/// from the final state of encoder layer k from the top, so their state widths must be equal.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class DecoderAttribute : Attribute
{
}

/// <summary>How an <see cref="AttentionAttribute"/> scores the decoder state q against each encoder output h_j.</summary>
public enum AttentionScore
{
    /// <summary>Bahdanau et al. (2015): <c>e_j = vᵀ tanh(W_q q + W_k h_j)</c>, with <see cref="AttentionAttribute.Units"/> hidden units.</summary>
    Additive,
    /// <summary>Luong et al. (2015) "dot": <c>e_j = q · h_j</c>; the decoder state and the encoder outputs must have the same width.</summary>
    Dot,
    /// <summary>Luong et al. (2015) "general": <c>e_j = qᵀ W h_j</c>.</summary>
    General,
}

/// <summary>
/// Attention of an encoder-decoder model over all encoder outputs (padded source steps masked out). At decoder step t the
/// query is the top decoder layer's previous state s_{t−1}; the weights are <c>α = softmax(e)</c>, the context
/// <c>c_t = Σ_j α_j h_j</c>. The context is fed to the first decoder layer with the previous token's embedding, and to
/// the output layer with the new state: <c>y_t = Dense([s_t; c_t])</c> (Bahdanau et al. 2015's placement).
/// </summary>
public sealed class AttentionAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="score">The score function.</param>
    /// <param name="units">Hidden units of the <see cref="AttentionScore.Additive"/> score; ignored (0) for the others.</param>
    public AttentionAttribute(AttentionScore score = AttentionScore.Additive, int units = 0)
    {
        Score = score;
        Units = units;
    }

    /// <summary>The score function.</summary>
    public AttentionScore Score { get; }

    /// <summary>Hidden units of the additive score.</summary>
    public int Units { get; }
}
