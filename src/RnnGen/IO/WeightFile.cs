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
    /// <summary>Writes <paramref name="tensors"/> (and zero tensors for <paramref name="folded"/>) atomically.</summary>
    public static void Save(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyList<FoldedTensor>? folded = null)
    {
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
    /// an <see cref="InvalidDataException"/> for a missing tensor, a wrong shape, an unknown dtype, a corrupt file or (when <paramref name="strict"/>) a tensor the
    /// model does not have throws, naming the tensor and the shapes, and leaves the model unchanged.
    /// </summary>
    public static void Load(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyList<FoldedTensor>? folded = null, bool strict = true)
    {
        IReadOnlyDictionary<string, SafetensorsTensor> file = SafetensorsReader.Read(path);
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
            }

            staged[i] = values;
        }

        if (strict)
        {
            var unexpected = file.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (unexpected.Count > 0)
            {
                throw new InvalidDataException($"{path}: the file has tensors the model does not: {string.Join(", ", unexpected)}.");
            }
        }

        for (int i = 0; i < tensors.Count; i++)
        {
            staged[i].CopyTo(tensors[i].Values.Span);
        }
    }

    private static SafetensorsTensor Find(string path, IReadOnlyDictionary<string, SafetensorsTensor> file, string name, int[] shape)
    {
        if (!file.TryGetValue(name, out SafetensorsTensor? tensor))
        {
            throw new InvalidDataException($"{path}: tensor '{name}' of shape [{string.Join(", ", shape)}] is missing from the file.");
        }

        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new InvalidDataException($"{path}: {name}: expected shape [{string.Join(", ", shape)}] but the file has {tensor.ShapeText}.");
        }

        return tensor;
    }
}
