namespace RnnGen.IO;

/// <summary>
/// A tensor PyTorch has that the model folds into one of its own: on load, the file's <paramref name="FileName"/>
/// tensor (same shape as <paramref name="Target"/>) is added to Target — PyTorch's <c>bias_hh_l0</c> summed into the
/// model's single bias <c>bias_ih_l0</c>; on save it is written as zeros so that PyTorch reads the same function back.
/// </summary>
/// <param name="Target">The model's tensor.</param>
/// <param name="FileName">PyTorch's extra tensor.</param>
public sealed record FoldedTensor(string Target, string FileName);

/// <summary>Saves and loads a model's named parameters as safetensors, with PyTorch names and shapes.</summary>
public static class WeightFile
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (and zero tensors for <paramref name="folded"/>) atomically: the bytes go to a
    /// temporary sibling (<c>.&lt;name prefix&gt;~&lt;random&gt;.tmp</c>), which is flushed to disk and then moved over
    /// <paramref name="path"/>, so the target is never half-written. A failure in this process deletes the temporary file;
    /// a process killed while writing may leave it behind, and the target keeps its previous content.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    public static void Save(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyList<FoldedTensor>? folded = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<(string, int[], ReadOnlyMemory<float>)>();
        foreach (NamedTensor tensor in tensors)
        {
            list.Add((tensor.Name, tensor.Shape, tensor.Values));
            if (folded is not null)
            {
                foreach (FoldedTensor f in folded)
                {
                    if (f.Target == tensor.Name)
                    {
                        list.Add((f.FileName, tensor.Shape, new float[tensor.Length]));
                    }
                }
            }
        }

        SafetensorsWriter.Write(path, list, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>
    /// Reads <paramref name="path"/> into <paramref name="tensors"/>. Everything is checked before anything is copied:
    /// a corrupt file, a missing tensor, a wrong shape, an unknown dtype, a duplicate name, bytes that belong to no
    /// tensor, a non-finite value (unless <see cref="WeightLoadOptions.AllowNonFinite"/>) or (when
    /// <paramref name="strict"/>) a tensor the model does not have throws an <see cref="InvalidDataException"/> naming the
    /// file and the tensor (also in its <c>Data["path"]</c> and <c>Data["tensor"]</c>), and leaves the model unchanged.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model.</exception>
    public static void Load(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyList<FoldedTensor>? folded = null, bool strict = true,
        WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        options ??= WeightLoadOptions.Default;
        IReadOnlyDictionary<string, SafetensorsTensor> file = SafetensorsReader.Read(path, options);
        var staged = new float[tensors.Count][];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            NamedTensor target = tensors[i];
            SafetensorsTensor source = Find(path, file, target.Name, target.Shape);
            used.Add(target.Name);
            float[] values = (float[])source.Values.Clone();
            if (folded is not null)
            {
                foreach (FoldedTensor f in folded)
                {
                    if (f.Target == target.Name && file.ContainsKey(f.FileName))
                    {
                        SafetensorsTensor extra = Find(path, file, f.FileName, target.Shape);
                        used.Add(f.FileName);
                        for (int k = 0; k < values.Length; k++)
                        {
                            values[k] += extra.Values[k];
                        }
                    }
                }

                // two finite biases can still sum to infinity
                int bad = options.AllowNonFinite ? -1 : NonFinite.IndexOf(values);
                if (bad >= 0)
                {
                    throw WeightFileError.Create(path, target.Name, $"{path}: tensor '{target.Name}' plus its PyTorch twin is {NonFinite.Text(values[bad])} at index {bad}; {NonFinite.Advice}.");
                }
            }

            staged[i] = values;
        }

        if (strict)
        {
            var unexpected = file.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (unexpected.Count > 0)
            {
                throw WeightFileError.Create(path, unexpected[0], $"{path}: the file has tensors the model does not: {string.Join(", ", unexpected)}.");
            }
        }

        for (int i = 0; i < tensors.Count; i++)
        {
            staged[i].CopyTo(tensors[i].Values.Span);
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> into a model's <paramref name="tensors"/> (its <c>NamedParameters</c>) with
    /// <paramref name="options"/>, folding PyTorch's second biases as the model's <c>LoadWeights</c> does: e.g.
    /// <c>WeightFile.Load(path, model.NamedParameters, new WeightLoadOptions { AllowNonFinite = true })</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model; the model is unchanged.</exception>
    public static void Load(string path, IReadOnlyList<NamedTensor> tensors, WeightLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(options);
        Load(path, tensors, FoldedTensorsOf(tensors), strict: true, options);
    }

    /// <summary>
    /// The tensors PyTorch has and a model folds into its own, found by name: every <c>X.bias_ih_l0</c> (or
    /// <c>_reverse</c>) without an <c>X.bias_hh_l0</c> beside it. What generated models pass to <c>Load</c>.
    /// </summary>
    public static IReadOnlyList<FoldedTensor> FoldedTensorsOf(IEnumerable<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(tensors.Select(t => t.Name), StringComparer.Ordinal);
        return names.Where(n => n.Contains(".bias_ih_l", StringComparison.Ordinal) && !names.Contains(n.Replace(".bias_ih_l", ".bias_hh_l", StringComparison.Ordinal)))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new FoldedTensor(n, n.Replace(".bias_ih_l", ".bias_hh_l", StringComparison.Ordinal)))
            .ToList();
    }

    private static SafetensorsTensor Find(string path, IReadOnlyDictionary<string, SafetensorsTensor> file, string name, int[] shape)
    {
        if (!file.TryGetValue(name, out SafetensorsTensor? tensor))
        {
            throw WeightFileError.Create(path, name, $"{path}: tensor '{name}' of shape [{string.Join(", ", shape)}] is missing from the file.");
        }

        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw WeightFileError.Create(path, name, $"{path}: {name}: expected shape [{string.Join(", ", shape)}] but the file has {tensor.ShapeText}.");
        }

        return tensor;
    }
}
