using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum (Keras/PyTorch form without dampening):
/// <c>v ← μ·v + g</c>; <c>θ ← θ − η·v</c>, or with Nesterov <c>θ ← θ − η·(g + μ·v)</c>. Without momentum <c>θ ← θ − η·g</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = Array.Empty<float>();

    /// <summary>Creates the optimizer.</summary>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false) : base(learningRate)
    {
        if (momentum < 0 || momentum >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"momentum: expected a value in [0, 1) but got {momentum}.");
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the Nesterov form is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<(string Name, float[] Values)> State => new[] { ("velocity", _velocity) };

    /// <inheritdoc/>
    protected override void Allocate(int parameterCount) => _velocity = Momentum > 0 ? new float[parameterCount] : Array.Empty<float>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float lr = LearningRate;
        if (Momentum == 0)
        {
            TensorPrimitives.MultiplyAdd(gradients, -lr, parameters, parameters);
            return;
        }

        Span<float> v = _velocity;
        TensorPrimitives.MultiplyAdd(v, Momentum, gradients, v);
        if (Nesterov)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= lr * (gradients[i] + Momentum * v[i]);
            }
        }
        else
        {
            TensorPrimitives.MultiplyAdd(v, -lr, parameters, parameters);
        }
    }
}
