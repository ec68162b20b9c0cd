using RnnGen.Training;

namespace RnnGen;

/// <summary>
/// A sequential model (not encoder-decoder) seen as its layers in declaration order: what code that walks a model's
/// structure, such as ONNX export (<see cref="IO.Onnx.OnnxModelExtensions"/>), reads.
/// </summary>
public interface ILayerStack : ITrainableModel
{
    /// <summary>The layer views in declaration order, input side first.</summary>
    IReadOnlyList<Layer> Layers { get; }

    /// <summary>Whether the model feeds its previous output back with the next input (<c>RnnModel.OutputRecurrence</c>).</summary>
    bool OutputRecurrence { get; }
}
