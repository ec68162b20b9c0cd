using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015), as PyTorch and Keras compute it: <c>m ← β₁m + (1 − β₁)g</c>, <c>v ← β₂v + (1 − β₂)g²</c>,
/// <c>θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    private float[] _m = Array.Empty<float>();
    private float[] _v = Array.Empty<float>();

    /// <summary>Creates the optimizer (Keras defaults).</summary>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f) : base(learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<(string Name, float[] Values)> State => new[] { ("m", _m), ("v", _v) };

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount)
    {
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Span<float> m = _m, v = _v;
        float b1 = Beta1, b2 = Beta2, eps = Epsilon, lr = LearningRate;
        float c1 = 1 - MathF.Pow(b1, Steps), c2 = 1 - MathF.Pow(b2, Steps);
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            parameters[i] -= lr * (m[i] / c1) / (MathF.Sqrt(v[i] / c2) + eps);
        }
    }
}
