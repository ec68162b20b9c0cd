namespace RnnGen.IO.Onnx;

/// <summary>ONNX export and import as members of every sequential model.</summary>
public static class OnnxModelExtensions
{
    /// <summary>
    /// Writes the model to <paramref name="path"/> as an ONNX file (opset 14, standard operators) that ONNX Runtime runs
    /// with the same outputs as <c>Predict</c>. See <see cref="OnnxExporter"/> for the graph's inputs and outputs. Written
    /// atomically (a temporary sibling, then a move): the target is never half-written.
    /// </summary>
    /// <exception cref="NotSupportedException">The model has a part ONNX's operators cannot express (output recurrence); the message names it.</exception>
    public static void ExportOnnx(this ILayerStack model, string path, OnnxExportOptions? options = null) => OnnxExporter.Save(path, model, options);

    /// <summary>
    /// Loads the weights of an ONNX file (from <c>torch.onnx.export</c> or <see cref="ExportOnnx"/>) into this model: its
    /// nodes with weights are matched in order to the declared layers. A mismatch throws, naming the node, the layer and
    /// both shapes, and leaves the parameters unchanged; so do a corrupt file and (unless
    /// <see cref="WeightLoadOptions.AllowNonFinite"/>) a NaN or infinite weight. See <see cref="OnnxImporter"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model.</exception>
    public static void LoadOnnxWeights(this ILayerStack model, string path, WeightLoadOptions? options = null) => OnnxImporter.Load(path, model, options);
}
