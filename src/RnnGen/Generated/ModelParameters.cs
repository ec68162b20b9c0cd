using System.ComponentModel;
using RnnGen.Initialization;
using RnnGen.IO;

namespace RnnGen.Generated;

/// <summary>
/// A generated model's parameters as every runtime core holds them: one buffer each for the values and the gradients, their
/// named views (PyTorch names and shapes), the layers' public views, the biases PyTorch keeps twice, and the summary. Made
/// from the layers' shapes and checked against the model's declared parameter count.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ModelParameters
{
    private readonly ModelLayer[] _layers;

    /// <summary>Lays the parameters of <paramref name="layers"/> out, one after another, and checks them against <paramref name="parameterCount"/>.</summary>
    public ModelParameters(string name, int parameterCount, ModelLayer[] layers)
    {
        _layers = layers;
        int end = 0;
        foreach (ModelLayer layer in layers)
        {
            if (layer.Offset != end)
            {
                throw new InvalidOperationException($"{name}.{layer.Name}: expected its parameters at {end} but its shape puts them at {layer.Offset}.");
            }

            end = layer.End;
        }

        if (end != parameterCount)
        {
            throw new InvalidOperationException($"{name}: expected ParameterCount = {end} (the layers' tensors) but it is {parameterCount}.");
        }

        Values = new float[parameterCount];
        Gradients = new float[parameterCount];
        Named = layers.SelectMany(l => l.Views(Values)).ToArray();
        NamedGradients = layers.SelectMany(l => l.Views(Gradients)).ToArray();
        Layers = new Layer[layers.Length];
        for (int i = 0, first = 0; i < layers.Length; i++)
        {
            int count = layers[i].Views(Values).Count();
            Layers[i] = layers[i].CreateView(Named[first..(first + count)], NamedGradients[first..(first + count)]);
            first += count;
        }

        Folded = layers.SelectMany(l => l.Folded).ToArray();
        Summary = ModelLayer.Summary(name, layers);
    }

    /// <summary>Every trainable parameter.</summary>
    public float[] Values { get; }

    /// <summary>Gradients, same layout as <see cref="Values"/>.</summary>
    public float[] Gradients { get; }

    /// <summary>Named views of <see cref="Values"/>.</summary>
    public NamedTensor[] Named { get; }

    /// <summary>Named views of <see cref="Gradients"/>.</summary>
    public NamedTensor[] NamedGradients { get; }

    /// <summary>The layers' public views in declaration order.</summary>
    public Layer[] Layers { get; }

    /// <summary>PyTorch's second biases, folded into ours on load and written as zeros on save.</summary>
    public FoldedTensor[] Folded { get; }

    /// <summary>A Keras-style table of the layers, their output shapes and parameter counts.</summary>
    public string Summary { get; }

    /// <summary>(Re)initialises every parameter, deterministic for a given <paramref name="seed"/>.</summary>
    public void Initialize(int seed, Initializer initializer)
    {
        var random = new DeterministicRandom(seed);
        foreach (ModelLayer layer in _layers)
        {
            layer.Initialize(initializer, Values, random);
        }
    }

    /// <summary>Writes the parameters as a safetensors file with PyTorch names and shapes (atomically).</summary>
    public void Save(string path) => WeightFile.Save(path, Named, Folded);

    /// <summary>Reads a safetensors file (ours or PyTorch's state_dict); a file that does not fit leaves the model unchanged and throws.</summary>
    public void Load(string path, WeightLoadOptions? options = null) => WeightFile.Load(path, Named, Folded, strict: true, options);
}
