namespace RnnGen;

/// <summary>
/// Dropout (Srivastava et al. 2014) on the layer it modifies, active only in training (the <c>Forward</c> passes; never in
/// <c>Predict</c>, <c>Step</c> or <c>Generate</c>): each element of the layer's output is zeroed with probability
/// <see cref="Rate"/> and the others scaled by <c>1 / (1 − Rate)</c> (inverted dropout), a new mask for every element of
/// every step. <see cref="Input"/> does the same to the layer's input. Not on the model's last layer.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="rate">Probability in [0, 1) of dropping an output element.</param>
    public DropoutAttribute(double rate = 0) => Rate = rate;

    /// <summary>Probability of dropping an element of the layer's output.</summary>
    public double Rate { get; }

    /// <summary>Probability in [0, 1) of dropping an element of the layer's input.</summary>
    public double Input { get; set; }
}
