namespace RnnGen.IO;

/// <summary>Weight loading with options, as a member of every sequential model.</summary>
public static class WeightFileModelExtensions
{
    /// <summary>
    /// <c>LoadWeights(path)</c> with <paramref name="options"/>, e.g. <c>new WeightLoadOptions { AllowNonFinite = true }</c>
    /// to load a file that holds NaN or infinite weights. Everything else is checked as by <c>LoadWeights(path)</c>. Models
    /// without a loss (not an <see cref="ILayerStack"/>) and encoder-decoder models call
    /// <c>WeightFile.Load(path, model.NamedParameters, options)</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model; the model is unchanged.</exception>
    public static void LoadWeights(this ILayerStack model, string path, WeightLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        WeightFile.Load(path, [.. model.Layers.SelectMany(l => l.Parameters)], options);
    }
}
