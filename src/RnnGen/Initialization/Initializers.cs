namespace RnnGen.Initialization;

/// <summary>Weight initialisers (Keras and PyTorch definitions).</summary>
public static class Initializers
{
    /// <summary>Uniform in [−limit, limit].</summary>
    public static void Uniform(Span<float> values, float limit, DeterministicRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.Uniform(-limit, limit);
        }
    }

    /// <summary>Normal with mean 0 and the given standard deviation.</summary>
    public static void Normal(Span<float> values, float std, DeterministicRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(std * random.Normal());
        }
    }

    /// <summary>Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))).</summary>
    public static void GlorotUniform(Span<float> values, int fanIn, int fanOut, DeterministicRandom random)
        => Uniform(values, MathF.Sqrt(6f / (fanIn + fanOut)), random);

    /// <summary>
    /// A <paramref name="rows"/> × <paramref name="cols"/> row-major matrix with orthonormal rows (rows ≤ cols) or
    /// columns (rows &gt; cols), from the QR decomposition of a standard normal matrix with the signs fixed so that
    /// R's diagonal is positive (Keras's <c>Orthogonal</c>, PyTorch's <c>orthogonal_</c>).
    /// </summary>
    public static void Orthogonal(Span<float> values, int rows, int cols, DeterministicRandom random, float gain = 1f)
    {
        if (values.Length != rows * cols)
        {
            throw new ArgumentException($"values: expected rows·cols = {rows}·{cols} = {rows * cols} floats but got {values.Length}.", nameof(values));
        }

        // Orthonormalise the columns of a tall n × k matrix (n ≥ k) by modified Gram–Schmidt, in double.
        bool transpose = rows < cols;
        int n = transpose ? cols : rows, k = transpose ? rows : cols;
        var q = new double[n * k];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = random.Normal();
        }

        for (int j = 0; j < k; j++)
        {
            for (int prev = 0; prev < j; prev++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++)
                {
                    dot += q[i * k + j] * q[i * k + prev];
                }

                for (int i = 0; i < n; i++)
                {
                    q[i * k + j] -= dot * q[i * k + prev];
                }
            }

            double norm = 0;
            for (int i = 0; i < n; i++)
            {
                norm += q[i * k + j] * q[i * k + j];
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++)
            {
                q[i * k + j] /= norm;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double v = transpose ? q[c * k + r] : q[r * k + c];
                values[r * cols + c] = (float)(gain * v);
            }
        }
    }
}
