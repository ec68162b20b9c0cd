namespace RnnGen.Tests.Onnx;

// Stand-ins for what the generator is to emit on every sequential model: ILayerStack with the layers in declaration
// order, a SimpleRnn layer's activation and the residual flag on its view, and OutputRecurrence. Delete this file when it does.

public partial class OnnxTokenTagger : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Words, Encoder, Refine, Tags];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxRnnStack : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [First, StandIn.With(Second, Activation.Relu, residual: true), StandIn.With(Third, Activation.Sigmoid), Out];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxGruAverage : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Reader, StandIn.With(Refine, residual: true), Out];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxPeepholeLstm : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [First, Second, Out];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxGruClassifier : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Encoder, Class];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxFeedback : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Memory, Next];
    bool ILayerStack.OutputRecurrence => true;
}

public partial class TorchRnnStack : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [First, StandIn.With(Second, Activation.Relu, residual: true), Third, Out];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxWideTagger : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Words, Encoder, Refine, Tags];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class Forecaster : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Memory, Next];
    bool ILayerStack.OutputRecurrence => false;
}

public partial class OnnxWithAttention : ILayerStack
{
    IReadOnlyList<Layer> ILayerStack.Layers => [Memory, new AttentionLayer("Attend", AttentionScore.Dot, 3, 3, 0, [], []), Next];
    bool ILayerStack.OutputRecurrence => false;
}

internal static class StandIn
{
    /// <summary>The generated view with what the generator does not pass yet.</summary>
    public static RecurrentLayer With(RecurrentLayer r, Activation activation = Activation.Tanh, bool residual = false) =>
        new(r.Name, r.Cell, r.InputSize, r.Units, r.Bidirectional, r.Merge, r.ReturnSequences, r.Parameters, r.Gradients)
        {
            Activation = activation,
            Residual = residual,
        };
}
