using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>
/// RMSprop (Tieleman &amp; Hinton 2012), Keras form: <c>s ← ρ·s + (1 − ρ)·g²</c>; <c>θ ← θ − η·g / (√s + ε)</c>.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private float[] _square = Array.Empty<float>();

    /// <summary>Creates the optimizer (Keras defaults).</summary>
    public RmsProp(float learningRate = 0.001f, float rho = 0.9f, float epsilon = 1e-7f) : base(learningRate)
    {
        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>ρ, the decay of the running mean of g².</summary>
    public float Rho { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<(string Name, float[] Values)> State => new[] { ("square", _square) };

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount) => _square = new float[parameterCount];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Span<float> s = _square;
        float rho = Rho, lr = LearningRate, eps = Epsilon;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            s[i] = rho * s[i] + (1 - rho) * g * g;
            parameters[i] -= lr * g / (MathF.Sqrt(s[i]) + eps);
        }
    }
}
