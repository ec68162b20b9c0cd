namespace RnnGen.Training;

/// <summary>
/// A trainable model whose recurrent state can be carried from one batch to the next: truncated backpropagation through
/// time, as Keras's <c>stateful=True</c> or PyTorch's <c>h.detach()</c> loop trains a language model. Every generated
/// sequential model with a loss implements it.
/// </summary>
public interface IStatefulTrainableModel : ITrainableModel
{
    /// <summary>A zero state for <paramref name="batchSize"/> streams (the model's own <c>State</c>).</summary>
    IRecurrentState CreateRecurrentState(int batchSize);

    /// <summary>
    /// <see cref="ITrainableModel.Forward"/> starting from <paramref name="state"/>'s states, writing the final states back
    /// into it; <see cref="ITrainableModel.Backward"/> then stops at the batch's first step (the carried state is a
    /// constant, PyTorch's detach). Null: zero initial states.
    /// </summary>
    float Forward(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state);

    /// <summary>
    /// <see cref="ITrainableModel.EvaluateBatch"/> (inference mode: dropout off, nothing kept for Backward) starting from
    /// <paramref name="state"/>'s states and writing the final states back: one window of a streaming evaluation.
    /// </summary>
    float EvaluateBatch(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state);
}
