namespace RnnGen.Training;

/// <summary>
/// Base of the optimizers (<see cref="Sgd"/>, <see cref="RmsProp"/>, <see cref="Adam"/>): clips the gradients if asked,
/// then updates the parameters in place. Allocation-free after the first <see cref="Update"/> (which sizes the
/// optimizer's state to the parameter count).
/// </summary>
public abstract class Optimizer
{
    private int _size = -1;

    /// <summary>Creates the optimizer.</summary>
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"learningRate: expected a positive step size but got {learningRate}.");
        }

        LearningRate = learningRate;
    }

    /// <summary>Step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>When set, gradients whose global L2 norm exceeds it are rescaled to it (‖g‖ &gt; h ⇒ g ← h·g/‖g‖).</summary>
    public float? ClipNorm { get; set; }

    /// <summary>When set, every gradient is clamped to [−ClipValue, ClipValue].</summary>
    public float? ClipValue { get; set; }

    /// <summary>Number of updates applied.</summary>
    public long Steps { get; private set; }

    /// <summary>Clips <paramref name="gradients"/> (in place) as configured, then applies one update step to <paramref name="parameters"/>.</summary>
    public void Update(Span<float> parameters, Span<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"gradients: expected {parameters.Length} values, one per parameter, but got {gradients.Length}.", nameof(gradients));
        }

        if (_size < 0)
        {
            _size = parameters.Length;
            Allocate(_size);
        }
        else if (_size != parameters.Length)
        {
            throw new ArgumentException($"parameters: this optimizer was sized for {_size} parameters but got {parameters.Length}; use one optimizer per model.", nameof(parameters));
        }

        if (ClipValue is float value)
        {
            GradientClipping.ClipByValue(gradients, value);
        }

        if (ClipNorm is float norm)
        {
            GradientClipping.ClipByGlobalNorm(gradients, norm);
        }

        Steps++;
        Apply(parameters, gradients);
    }

    /// <summary>Allocates the per-parameter state (called once, on the first update).</summary>
    protected abstract void Allocate(int parameterCount);

    /// <summary>The per-parameter state by name (moment estimates, velocities), as <see cref="Checkpoint"/> saves and restores it.</summary>
    protected abstract IReadOnlyList<(string Name, float[] Values)> State { get; }

    /// <summary>The state for <paramref name="parameterCount"/> parameters (allocated if this optimizer has not run yet).</summary>
    internal IReadOnlyList<(string Name, float[] Values)> StateFor(int parameterCount)
    {
        if (_size < 0)
        {
            _size = parameterCount;
            Allocate(_size);
        }
        else if (_size != parameterCount)
        {
            throw new ArgumentException($"parameterCount: this optimizer was sized for {_size} parameters but got {parameterCount}; use one optimizer per model.", nameof(parameterCount));
        }

        return State;
    }

    /// <summary>Sets the update count (the bias corrections of Adam depend on it) when a checkpoint is restored.</summary>
    internal void RestoreSteps(long steps) => Steps = steps;

    /// <summary>One update step with already clipped gradients; <see cref="Steps"/> counts it already.</summary>
    protected abstract void Apply(Span<float> parameters, ReadOnlySpan<float> gradients);
}
