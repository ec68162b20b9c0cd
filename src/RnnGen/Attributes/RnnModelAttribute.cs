namespace RnnGen;

/// <summary>
/// Marks a <c>partial class</c> as a recurrent model. Its layers are the partial properties that carry a
/// layer attribute, in declaration order; the RnnGen source generator emits the model's code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>Features per time step. Required unless the first layer is an <see cref="EmbeddingAttribute"/>.</summary>
    public int InputSize { get; set; }

    /// <summary>The training loss; <see cref="RnnGen.Loss.None"/> for an inference-only model.</summary>
    public Loss Loss { get; set; }

    /// <summary>The default initialisation of <c>new Model(seed)</c>.</summary>
    public Initializer Initializer { get; set; }

    /// <summary>
    /// Output recurrence (the "RNN with output recurrence" of Goodfellow et al., ch. 10): the model's previous output
    /// <c>y_(t−1)</c> is fed back with the next input, <c>[x_t; y_(t−1)]</c> (<c>y_(−1)</c> = 0). Training uses teacher
    /// forcing — the true previous output (a one-hot row for cross-entropy) — so the steps are trained as given;
    /// <c>Predict</c> and <c>Step</c> feed back the model's own outputs. Many-to-many float-input models only.
    /// </summary>
    public bool OutputRecurrence { get; set; }

    /// <summary>
    /// Encoder-decoder models without attention (Cho et al. 2014, <c>p(y_t | …) = f(y_(t−1), s_t, C)</c>): the context
    /// <c>C</c>, the encoder's final state that the top decoder layer starts from, is also fed to every decoder step — with
    /// the previous token's embedding to the first decoder layer, <c>[e(y_(t−1)); C]</c>, and with the top state to the
    /// output layer, <c>Dense([s_t; C])</c> — instead of reaching the later steps only through the recurrence.
    /// </summary>
    public bool ContextToEveryStep { get; set; }

    /// <summary>Encoder-decoder models: the token fed to the decoder before its first step (default 1).</summary>
    public int StartToken { get; set; } = 1;

    /// <summary>Encoder-decoder models: the token that ends a decoded sequence (default 2).</summary>
    public int EndToken { get; set; } = 2;
}
