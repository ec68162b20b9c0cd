using System.ComponentModel;
using RnnGen.Training;

namespace RnnGen.Generated;

/// <summary>A generated model's <c>State</c> class: made by the runtime core for the model's streams.</summary>
/// <typeparam name="TSelf">The generated class.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IModelState<TSelf> where TSelf : ModelState, IModelState<TSelf>
{
    /// <summary>A zero state for <paramref name="batchSize"/> streams.</summary>
    static abstract TSelf Create(int batchSize);
}

/// <summary>The model-independent face of a <see cref="SequentialCore{TNetwork, TState}"/>, for the interface members it implements once.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISequentialCore
{
    /// <summary>The model's sizes and options.</summary>
    NetworkInfo Info { get; }

    /// <summary>The layer views in declaration order.</summary>
    IReadOnlyList<Layer> Layers { get; }

    /// <summary>The instance's concurrency contract.</summary>
    ConcurrencyGuard Concurrency { get; }

    /// <summary>A zero state for <paramref name="batchSize"/> streams.</summary>
    IRecurrentState CreateRecurrentState(int batchSize);

    /// <summary>Inference-mode loss of one batch (dropout off, nothing kept for Backward).</summary>
    float Evaluate(in SequenceBatch batch, Span<float> outputs);

    /// <summary>Training-mode forward pass over float sequences; <paramref name="state"/> must be the model's own <c>State</c>.</summary>
    void Forward(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, IRecurrentState? state);

    /// <summary>Backpropagation through time of the last training-mode forward pass; the states must be the model's own <c>State</c>.</summary>
    void Backward(ReadOnlySpan<float> outputGradient, IRecurrentState? finalStateGradient, Span<float> inputGradient, IRecurrentState? initialStateGradient);

    /// <summary>The loss forward pass from <paramref name="state"/> (the model's own <c>State</c>), final states written back; null: zero states.</summary>
    float Forward(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state);

    /// <summary>The inference-mode loss from <paramref name="state"/> (the model's own <c>State</c>), final states written back; null: zero states.</summary>
    float Evaluate(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state);
}

/// <summary>A generated model whose members keep the concurrency contract: the training loop holds its guard for a whole <c>Fit</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IGuardedModel
{
    /// <summary>The instance's concurrency contract.</summary>
    ConcurrencyGuard Concurrency { get; }
}

/// <summary>A generated model that runs on a runtime core.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICoreModel : IGuardedModel
{
    /// <summary>The model's runtime core.</summary>
    ISequentialCore Core { get; }

    ConcurrencyGuard IGuardedModel.Concurrency => Core.Concurrency;
}

/// <summary><see cref="ISequenceModel"/> for a generated float-input model: what its own members cannot implement, written once here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICoreSequenceModel : ISequenceModel, ICoreModel
{
    IRecurrentState ISequenceModel.CreateRecurrentState(int batchSize) => Core.CreateRecurrentState(batchSize);

    void ISequenceModel.Forward(ReadOnlySpan<float> inputs, int batchSize, int timeSteps, Span<float> outputs, ReadOnlySpan<int> lengths, IRecurrentState? state)
        => Core.Forward(inputs, batchSize, timeSteps, outputs, lengths, state);

    void ISequenceModel.Backward(ReadOnlySpan<float> outputGradient, IRecurrentState? finalStateGradient, Span<float> inputGradient, IRecurrentState? initialStateGradient)
        => Core.Backward(outputGradient, finalStateGradient, inputGradient, initialStateGradient);
}

/// <summary><see cref="ITrainableModel"/> for a generated model with a loss: its descriptive members, written once here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICoreTrainableModel : IStatefulTrainableModel, ICoreModel, ILayerStack
{
    IRecurrentState IStatefulTrainableModel.CreateRecurrentState(int batchSize) => Core.CreateRecurrentState(batchSize);

    float IStatefulTrainableModel.Forward(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state) => Core.Forward(batch, outputs, state);

    float IStatefulTrainableModel.EvaluateBatch(in SequenceBatch batch, Span<float> outputs, IRecurrentState? state) => Core.Evaluate(batch, outputs, state);

    IReadOnlyList<Layer> ILayerStack.Layers => Core.Layers;

    bool ILayerStack.OutputRecurrence => false;

    int ITrainableModel.ModelInputSize => Core.Info.InputSize;

    int ITrainableModel.ModelOutputSize => Core.Info.OutputSize;

    bool ITrainableModel.OutputIsSequence => Core.Info.OutputIsSequence;

    bool ITrainableModel.TakesTokens => Core.Info.VocabularySize > 0;

    int ITrainableModel.ConditionSize => Core.Info.ConditionSize;

    Loss ITrainableModel.Loss => Core.Info.Loss;

    float ITrainableModel.EvaluateBatch(in SequenceBatch batch, Span<float> outputs) => Core.Evaluate(batch, outputs);
}
