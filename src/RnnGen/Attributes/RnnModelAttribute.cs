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

    /// <summary>Encoder-decoder models: the token fed to the decoder before its first step (default 1).</summary>
    public int StartToken { get; set; } = 1;

    /// <summary>Encoder-decoder models: the token that ends a decoded sequence (default 2).</summary>
    public int EndToken { get; set; } = 2;
}
