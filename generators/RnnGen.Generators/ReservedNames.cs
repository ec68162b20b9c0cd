using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generators.Model;

namespace RnnGen.Generators;

/// <summary>
/// The names the generator declares on a model class, in one place: a layer, another member of the class or the class
/// itself must not use them (RNN0018, RNN0029). ReservedNamesTests compares this list with every emitted member, so a
/// renamed or added generated member fails a test until it is listed here.
/// </summary>
internal static class ReservedNames
{
    /// <summary>The shape of the generated class: which emitter writes it.</summary>
    public enum ModelKind
    {
        Sequential,
        EncoderDecoder,
        OutputRecurrence,
        Tree,
    }

    /// <summary>Public API of the generated models, reserved in every model whatever its kind.</summary>
    public static readonly IReadOnlyCollection<string> Public = new HashSet<string>(StringComparer.Ordinal)
    {
        "InputSize", "OutputSize", "ParameterCount", "VocabularySize", "OutputIsSequence", "Sizes", "State",
        "CreateState", "Step", "Predict", "Forward", "Backward", "ZeroGradients", "Parameters", "Gradients",
        "NamedParameters", "NamedGradients", "Summary", "SaveWeights", "LoadWeights", "Layers", "Loss",
        "ModelInputSize", "ModelOutputSize", "TakesTokens", "Decode", "BeginDecoding", "DecodeStep", "StartToken",
        "EndToken", "SourceVocabularySize", "TargetVocabularySize", "SourceSize", "ResetRandom", "Attention",
        "InitializeParameters", "CreateRecurrentState", "DecodeBeam", "Generate", "StepInputSize",
    };

    /// <summary>Names the generated code uses without declaring them: '_' discards.</summary>
    private static readonly string[] Used = { "_" };

    // every model kind keeps its plumbing in the runtime core: the class holds only these
    private static readonly string[] SequentialPrivate = { "_core", "Network" };

    private static readonly string[] EncoderDecoderPrivate = { "_core", "Network" };

    private static readonly string[] OutputRecurrencePrivate = { "_core", "Network" };

    // a tree model also trains and evaluates itself over lists of trees
    private static readonly string[] TreePrivate = { "_core", "Network", "Fit", "Evaluate" };

    /// <summary>Members generated for each layer L of a model: "{0}" stands for the layer's name.</summary>
    private static readonly string[] PerLayerSequential = { "{0}", "{0}Shape" };

    private static readonly string[] PerLayerEncoderDecoder = { "{0}", "{0}Shape" };

    private static readonly string[] PerLayerOutputRecurrence = { "{0}", "{0}Shape" };

    private static readonly string[] PerLayerTree = { "{0}", "{0}Shape" };

    public static ModelKind KindOf(IEnumerable<LayerSpec> layers, bool outputRecurrence)
        => layers.Any(l => l.IsTree) ? ModelKind.Tree
            : layers.Any(l => l.Group != LayerGroup.None || l.Kind == LayerKind.Attention) ? ModelKind.EncoderDecoder
            : outputRecurrence ? ModelKind.OutputRecurrence : ModelKind.Sequential;

    /// <summary>The fixed (not per-layer) names a model of this kind declares.</summary>
    public static IEnumerable<string> Fixed(ModelKind kind) => Public.Concat(Used).Concat(kind switch
    {
        ModelKind.EncoderDecoder => EncoderDecoderPrivate,
        ModelKind.OutputRecurrence => OutputRecurrencePrivate,
        ModelKind.Tree => TreePrivate,
        _ => SequentialPrivate,
    });

    /// <summary>The names generated for layer <paramref name="layer"/>, the layer's own name first.</summary>
    public static IEnumerable<string> ForLayer(ModelKind kind, string layer) => (kind switch
    {
        ModelKind.EncoderDecoder => PerLayerEncoderDecoder,
        ModelKind.OutputRecurrence => PerLayerOutputRecurrence,
        ModelKind.Tree => PerLayerTree,
        _ => PerLayerSequential,
    }).Select(pattern => string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, layer));
}
