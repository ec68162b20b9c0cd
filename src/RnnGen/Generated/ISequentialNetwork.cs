using System.ComponentModel;

namespace RnnGen.Generated;

/// <summary>
/// What the generator emits for a sequential model, as static members of one struct: its sizes, its workspace layout
/// (the struct's fields, one <see cref="LayerBuffers"/> per layer) and its op sequence. <see cref="SequentialCore{TNetwork, TState}"/>
/// owns everything else.
/// </summary>
/// <typeparam name="TSelf">The generated struct.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISequentialNetwork<TSelf> where TSelf : struct, ISequentialNetwork<TSelf>
{
    /// <summary>The model's sizes and options.</summary>
    static abstract NetworkInfo Info { get; }

    /// <summary>Lays the layers' buffers out: called once for the activations, once (after <see cref="WorkspaceBuilder.StartGradients"/>) for the gradients.</summary>
    static abstract void Lay(ref TSelf layout, ref WorkspaceBuilder builder);

    /// <summary>The layers' forward passes in order.</summary>
    static abstract void Forward(in TSelf layout, in SequencePass pass);

    /// <summary>The layers' backward passes in reverse order; the last layer's output gradient is in place.</summary>
    static abstract void Backward(in TSelf layout, in SequencePass pass);
}

/// <summary>The sizes and options of a generated sequential model (constants the JIT folds into the runtime core).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct NetworkInfo
{
    /// <summary>The sizes every model has; the options (<see cref="FusedLoss"/>, dropout) are set by name.</summary>
    public NetworkInfo(int inputSize, int vocabularySize, int outputSize, int parameterCount, bool outputIsSequence, int stateSize, Loss loss)
    {
        InputSize = inputSize;
        VocabularySize = vocabularySize;
        OutputSize = outputSize;
        ParameterCount = parameterCount;
        OutputIsSequence = outputIsSequence;
        StateSize = stateSize;
        Loss = loss;
    }

    /// <summary>Features per step (1: one token id).</summary>
    public int InputSize { get; init; }

    /// <summary>Token ids are in [0, VocabularySize); 0 for a model that reads floats.</summary>
    public int VocabularySize { get; init; }

    /// <summary>Outputs per sequence, or per step when <see cref="OutputIsSequence"/>.</summary>
    public int OutputSize { get; init; }

    /// <summary>Trainable floats.</summary>
    public int ParameterCount { get; init; }

    /// <summary>Whether the model outputs every step.</summary>
    public bool OutputIsSequence { get; init; }

    /// <summary>Floats of recurrent state per stream.</summary>
    public int StateSize { get; init; }

    /// <summary>The declared loss.</summary>
    public Loss Loss { get; init; }

    /// <summary>Softmax with cross-entropy or sigmoid with binary cross-entropy: the last dense layer outputs logits for the loss.</summary>
    public bool FusedLoss { get; init; }

    /// <summary>Dropout rate on the model's (float) input.</summary>
    public float InputDropout { get; init; }

    /// <summary>Whether any layer has dropout.</summary>
    public bool HasDropout { get; init; }

    /// <summary>Floats of the condition vector of the model's <c>[Conditioned]</c> layer; 0: none.</summary>
    public int ConditionSize { get; init; }
}
