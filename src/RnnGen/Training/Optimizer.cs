namespace RnnGen.Training;

/// <summary>
/// Base of the optimizers (<c>Sgd</c>, <c>RmsProp</c>, <c>Adam</c>): clips the gradients if asked, then
/// updates the parameters in place. Allocation-free after the first <see cref="Update"/> (which sizes the
/// optimizer's state to the parameter count).
/// </summary>
public abstract class Optimizer
{
    /// <summary>Step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>When set, gradients whose global L2 norm exceeds it are rescaled to it (‖g‖ &gt; h ⇒ g ← h·g/‖g‖).</summary>
    public float? ClipNorm { get; set; }

    /// <summary>When set, every gradient is clamped to [−ClipValue, ClipValue].</summary>
    public float? ClipValue { get; set; }

    /// <summary>Clips <paramref name="gradients"/> (in place) as configured, then applies one update step to <paramref name="parameters"/>.</summary>
    public abstract void Update(Span<float> parameters, Span<float> gradients);
}
