namespace RnnGen;

/// <summary>How a <see cref="ConditionedAttribute"/> layer takes its condition vector <c>v</c> (combine with <c>|</c>).</summary>
[Flags]
public enum ConditionMode
{
    /// <summary>
    /// The layer starts from <c>h_0 = tanh(W_c v + b_c)</c> instead of zeros (Show and Tell: the image starts the caption
    /// decoder); an LSTM's cell starts at zero.
    /// </summary>
    InitialState = 1,

    /// <summary>
    /// <c>v</c> is part of the layer's input at every step, <c>[x_t; v]</c>: the extra pre-activation <c>W_f v</c> is computed
    /// once per sequence and added to every step's gates.
    /// </summary>
    EveryStep = 2,
}

/// <summary>
/// Conditions the recurrent layer it modifies on a vector of <see cref="Size"/> floats per sequence that the caller supplies
/// (an image's features for a caption, a class for a generated sequence): one-to-many generation from a vector. Only the
/// first recurrent layer of a sequential model, unidirectional; the model's <c>Predict</c>, <c>Forward</c>, <c>Backward</c>,
/// <c>Step</c> and <c>Generate</c> then take the conditions, and <c>Fit</c> a data set that carries them
/// (<c>SequenceDataSet.WithConditions</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class ConditionedAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="size">Floats of the condition vector, at least 1.</param>
    public ConditionedAttribute(int size) => Size = size;

    /// <summary>Floats of the condition vector.</summary>
    public int Size { get; }

    /// <summary>How the vector enters the layer; <see cref="ConditionMode.InitialState"/> by default.</summary>
    public ConditionMode Mode { get; set; } = ConditionMode.InitialState;
}
