namespace RnnGen.Training;

/// <summary>
/// What the training loop needs of a generated model. Every <c>[RnnModel]</c> class with a
/// <see cref="RnnModelAttribute.Loss"/> implements it.
/// </summary>
public interface ITrainableModel
{
    /// <summary>Features per step (1 for token-id models).</summary>
    int ModelInputSize { get; }

    /// <summary>Outputs per sequence, or per step when <see cref="OutputIsSequence"/>.</summary>
    int ModelOutputSize { get; }

    /// <summary>Whether the model outputs every step (many-to-many).</summary>
    bool OutputIsSequence { get; }

    /// <summary>Whether inputs are token ids.</summary>
    bool TakesTokens { get; }

    /// <summary>Floats of the condition vector each example carries (a model with a <c>[Conditioned]</c> layer); 0: none.</summary>
    int ConditionSize => 0;

    /// <summary>The declared loss.</summary>
    Loss Loss { get; }

    /// <summary>All trainable parameters, one contiguous buffer.</summary>
    Span<float> Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>
    /// Training-mode forward pass: keeps what <see cref="Backward"/> needs, writes the model's outputs
    /// (probabilities after softmax/sigmoid) to <paramref name="outputs"/> when it is not empty, and returns the
    /// mean loss of the batch (padded steps masked out).
    /// </summary>
    float Forward(in SequenceBatch batch, Span<float> outputs);

    /// <summary>Accumulates ∂loss/∂parameters of the last <see cref="Forward"/> into <see cref="Gradients"/>.</summary>
    void Backward();

    /// <summary>
    /// Inference-mode loss of one batch, what <c>Evaluate</c> and the validation of <c>Fit</c> use: the loss
    /// <see cref="Forward"/> would return with dropout off, and the outputs (written to <paramref name="outputs"/> unless
    /// empty) that <c>Predict</c> gives — for a model with output recurrence, teacher-forced as <see cref="Forward"/> is.
    /// Keeps nothing for <see cref="Backward"/> and may run on several threads at once.
    /// </summary>
    float EvaluateBatch(in SequenceBatch batch, Span<float> outputs);
}
