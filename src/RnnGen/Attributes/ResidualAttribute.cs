namespace RnnGen;

/// <summary>
/// A residual (skip) connection around the recurrent layer it modifies: the layer outputs <c>y_t = h_t + x_t</c>, its
/// state plus its input (He et al. 2016; between stacked LSTMs as in Wu et al. 2016). The layer must return sequences,
/// and its input and output must have the same width.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class ResidualAttribute : Attribute
{
}
