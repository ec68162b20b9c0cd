namespace RnnGen.Initialization;

/// <summary>
/// Layer initialisation as Keras or PyTorch does it by default, in RnnGen's PyTorch weight layout.
/// Generated constructors call these layer by layer with one random stream.
/// </summary>
public static class ModelInitialization
{
    /// <summary>Keras: U(±0.05). PyTorch: N(0, 1).</summary>
    public static void Embedding(Initializer initializer, Span<float> table, DeterministicRandom random)
    {
        Check(initializer);
        if (initializer == Initializer.PyTorch)
        {
            Initializers.Normal(table, 1f, random);
        }
        else
        {
            Initializers.Uniform(table, 0.05f, random);
        }
    }

    /// <summary>Keras: glorot-uniform weight, zero bias. PyTorch: weight and bias U(±1/√in).</summary>
    public static void Dense(Initializer initializer, Span<float> weight, Span<float> bias, int inputSize, int units, DeterministicRandom random)
    {
        Check(initializer);
        if (initializer == Initializer.PyTorch)
        {
            float limit = 1f / MathF.Sqrt(inputSize);
            Initializers.Uniform(weight, limit, random);
            Initializers.Uniform(bias, limit, random);
        }
        else
        {
            Initializers.GlorotUniform(weight, inputSize, units, random);
            bias.Clear();
        }
    }

    /// <summary>A weight matrix without bias (attention): Keras glorot-uniform, PyTorch U(±1/√in).</summary>
    public static void Matrix(Initializer initializer, Span<float> weight, int inputSize, int units, DeterministicRandom random)
    {
        Check(initializer);
        if (initializer == Initializer.PyTorch)
        {
            Initializers.Uniform(weight, 1f / MathF.Sqrt(inputSize), random);
        }
        else
        {
            Initializers.GlorotUniform(weight, inputSize, units, random);
        }
    }

    /// <summary>
    /// One direction of a recurrent layer. Keras: input kernel glorot-uniform over its [I, G·H] shape, recurrent
    /// kernel orthogonal over its [H, G·H] shape (stored transposed here), biases zero, LSTM forget-gate bias 1,
    /// peepholes glorot-uniform over [3, H], a projection's weight_hr glorot-uniform over [H → P] (drawn last, so a layer
    /// without one draws what it always did). PyTorch: everything U(±1/√H).
    /// </summary>
    public static void Recurrent(Initializer initializer, CellKind cell, int inputSize, int units,
        Span<float> inputWeights, Span<float> recurrentWeights, Span<float> bias, Span<float> recurrentBias, Span<float> peepholes,
        DeterministicRandom random, Span<float> projection = default)
    {
        Check(initializer);
        int gates = cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };
        if (initializer == Initializer.PyTorch)
        {
            float limit = 1f / MathF.Sqrt(units);
            Initializers.Uniform(inputWeights, limit, random);
            Initializers.Uniform(recurrentWeights, limit, random);
            Initializers.Uniform(bias, limit, random);
            Initializers.Uniform(recurrentBias, limit, random);
            Initializers.Uniform(peepholes, limit, random);
            Initializers.Uniform(projection, limit, random); // PyTorch's weight_hr: U(−1/√H, 1/√H) like every LSTM tensor
            return;
        }

        Initializers.GlorotUniform(inputWeights, inputSize, gates * units, random);

        // Keras's recurrent kernel U is [h, G·H] with orthonormal rows; ours is Uᵀ, [G·H, h] (h = P with a projection, else H).
        int hidden = recurrentWeights.Length / (gates * units);
        float[] keras = new float[hidden * gates * units];
        Initializers.Orthogonal(keras, hidden, gates * units, random);
        for (int r = 0; r < hidden; r++)
        {
            for (int c = 0; c < gates * units; c++)
            {
                recurrentWeights[c * hidden + r] = keras[r * gates * units + c];
            }
        }

        bias.Clear();
        recurrentBias.Clear();
        if (cell == CellKind.Lstm)
        {
            bias.Slice(units, units).Fill(1f); // unit_forget_bias: the f block (i, f, g, o)
        }

        if (!peepholes.IsEmpty)
        {
            Initializers.GlorotUniform(peepholes, 3, units, random);
        }

        if (!projection.IsEmpty)
        {
            // Keras has no projection; weight_hr [P, H] maps H units to P as a dense kernel would, Glorot-uniform
            Initializers.GlorotUniform(projection, units, projection.Length / units, random);
        }
    }

    /// <summary>
    /// A tree layer (<paramref name="inputWeights"/> empty for the tanh cell). Keras-style: glorot-uniform weights over
    /// their [in, out] shapes, zero bias with the Tree-LSTM's two forget-gate blocks at 1 (as an LSTM's unit_forget_bias).
    /// PyTorch-style: everything U(±1/√H), as its recurrent layers.
    /// </summary>
    public static void Tree(Initializer initializer, Trees.TreeCellKind cell, int inputSize, int units,
        Span<float> inputWeights, Span<float> childWeights, Span<float> bias, DeterministicRandom random)
    {
        Check(initializer);
        if (initializer == Initializer.PyTorch)
        {
            float limit = 1f / MathF.Sqrt(units);
            Initializers.Uniform(inputWeights, limit, random);
            Initializers.Uniform(childWeights, limit, random);
            Initializers.Uniform(bias, limit, random);
            return;
        }

        int gates = bias.Length;
        if (!inputWeights.IsEmpty)
        {
            Initializers.GlorotUniform(inputWeights, inputSize, gates, random);
        }

        Initializers.GlorotUniform(childWeights, 2 * units, gates, random);
        bias.Clear();
        if (cell == Trees.TreeCellKind.Lstm)
        {
            bias.Slice(units, 2 * units).Fill(1f); // the f_l and f_r blocks (i, f_l, f_r, o, u)
        }
    }

    /// <summary>A cast integer such as <c>(Initializer)7</c> names no initialisation: it is rejected, not taken as Keras.</summary>
    private static void Check(Initializer initializer)
    {
        if (initializer is not (Initializer.Keras or Initializer.PyTorch))
        {
            throw new ArgumentOutOfRangeException(nameof(initializer), initializer, $"initializer must be Initializer.Keras or Initializer.PyTorch, not {(int)initializer}.");
        }
    }
}
