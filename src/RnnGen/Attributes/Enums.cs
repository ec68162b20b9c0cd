namespace RnnGen;

/// <summary>Activation applied by a <see cref="SimpleRnnAttribute"/> or a <see cref="DenseAttribute"/>.</summary>
public enum Activation
{
    /// <summary>Identity: <c>y = x</c>.</summary>
    Linear,
    /// <summary><c>y = tanh(x)</c>.</summary>
    Tanh,
    /// <summary><c>y = max(0, x)</c>.</summary>
    Relu,
    /// <summary><c>y = 1 / (1 + e^(−x))</c>.</summary>
    Sigmoid,
    /// <summary><c>y_k = e^(x_k) / Σ_j e^(x_j)</c> over the units of one step (Dense only).</summary>
    Softmax,
}

/// <summary>The training loss of a model (<see cref="RnnModelAttribute.Loss"/>).</summary>
public enum Loss
{
    /// <summary>No loss declared: the model is for inference only.</summary>
    None,
    /// <summary>Mean squared error, <c>L = 1/(N·K) Σ (ŷ − y)²</c> over the N rows and K outputs of a batch.</summary>
    MeanSquaredError,
    /// <summary>Binary cross-entropy after a sigmoid output.</summary>
    BinaryCrossEntropy,
    /// <summary>Categorical cross-entropy after a softmax output, targets given as class indices.</summary>
    CrossEntropy,
}

/// <summary>How a <see cref="BidirectionalAttribute"/> layer combines its forward and backward outputs.</summary>
public enum MergeMode
{
    /// <summary><c>[h_fwd, h_bwd]</c>: twice the units (Keras and PyTorch default).</summary>
    Concat,
    /// <summary><c>h_fwd + h_bwd</c>.</summary>
    Sum,
    /// <summary><c>(h_fwd + h_bwd) / 2</c>.</summary>
    Average,
    /// <summary><c>h_fwd ⊙ h_bwd</c>.</summary>
    Multiply,
}

/// <summary>Which framework's default weight initialisation a model reproduces.</summary>
public enum Initializer
{
    /// <summary>
    /// Keras defaults: glorot-uniform input kernels and dense kernels, orthogonal recurrent kernels,
    /// zero biases, LSTM forget-gate bias 1, embeddings uniform in [−0.05, 0.05].
    /// </summary>
    Keras,
    /// <summary>
    /// PyTorch defaults: every recurrent weight and bias uniform in [−1/√H, 1/√H], dense weights and
    /// biases uniform in [−1/√in, 1/√in], embeddings standard normal.
    /// </summary>
    PyTorch,
}
