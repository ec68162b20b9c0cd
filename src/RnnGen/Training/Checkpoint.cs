using System.Globalization;
using RnnGen.IO;

namespace RnnGen.Training;

/// <summary>What <see cref="Checkpoint.Load"/> restored.</summary>
/// <param name="Epoch">Epochs finished when the checkpoint was written: resume with <see cref="FitOptions.InitialEpoch"/> = Epoch.</param>
/// <param name="Steps">Optimizer updates applied.</param>
/// <param name="LearningRate">The optimizer's base learning rate (before any schedule), now set on it again.</param>
public sealed record CheckpointInfo(int Epoch, long Steps, float LearningRate);

/// <summary>
/// A training run saved and resumed: the model's parameters, the optimizer's state (moments, velocities, update count,
/// base learning rate) and the epoch, in one safetensors file written atomically (a temporary file, then a move: the
/// target is never half-written; a killed process may leave a <c>.tmp</c> sibling).
/// <see cref="FitOptions.CheckpointPath"/> writes one after every epoch; a run resumed from it with
/// <see cref="FitOptions.InitialEpoch"/> ends bitwise equal to the uninterrupted run (the shuffling of epoch e depends
/// only on the seed and e). Not saved: a <see cref="LearningRateSchedule.ReduceOnPlateau"/> schedule's counters and
/// early stopping's best weights.
/// </summary>
public static class Checkpoint
{
    private const string Format = "rnngen-checkpoint-1";

    /// <summary>Saves <paramref name="model"/>'s parameters and <paramref name="optimizer"/>'s state after <paramref name="epoch"/> epochs.</summary>
    public static void Save(string path, ITrainableModel model, Optimizer optimizer, int epoch) => Save(path, model, optimizer, epoch, optimizer.LearningRate);

    internal static void Save(string path, ITrainableModel model, Optimizer optimizer, int epoch, float baseLearningRate)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"epoch: expected 0 or more but got {epoch}.");
        int count = model.Parameters.Length;
        var tensors = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Values)> { ("parameters", new[] { count }, model.Parameters.ToArray()) };
        foreach ((string name, float[] values) in optimizer.StateFor(count))
        {
            if (values.Length > 0) tensors.Add(("optimizer." + name, new[] { values.Length }, values));
        }

        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = Format,
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = optimizer.GetType().Name,
            ["steps"] = optimizer.Steps.ToString(CultureInfo.InvariantCulture),
            ["learning_rate"] = baseLearningRate.ToString("R", CultureInfo.InvariantCulture),
        });
    }

    /// <summary>
    /// Restores <paramref name="model"/>'s parameters and <paramref name="optimizer"/>'s state from <paramref name="path"/>.
    /// Everything is checked first (the file as by <see cref="SafetensorsReader"/>, format, optimizer kind, epoch, steps,
    /// learning rate, sizes, finite values unless <see cref="WeightLoadOptions.AllowNonFinite"/>): on any defect a
    /// <see cref="InvalidDataException"/> names the file and what differs, and neither the model nor the optimizer changes.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is invalid or does not fit the model and optimizer.</exception>
    public static CheckpointInfo Load(string path, ITrainableModel model, Optimizer optimizer, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        byte[] bytes = WeightFileSource.ReadAllBytes(path); // read once: the metadata first, the tensors after every check on it
        IReadOnlyDictionary<string, string> metadata = SafetensorsReader.ReadMetadata(bytes, path);
        string Meta(string key) => metadata.TryGetValue(key, out string? value) ? value
            : throw WeightFileError.Create(path, null, $"{path}: not an RnnGen checkpoint (no '{key}' in its metadata).");
        if (Meta("format") != Format) throw WeightFileError.Create(path, null, $"{path}: checkpoint format '{Meta("format")}', expected '{Format}'.");
        if (Meta("optimizer") != optimizer.GetType().Name)
        {
            throw WeightFileError.Create(path, null, $"{path}: the checkpoint holds {Meta("optimizer")} state but the optimizer is {optimizer.GetType().Name}.");
        }

        if (!int.TryParse(Meta("epoch"), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
        {
            throw BadMeta(path, "epoch", Meta("epoch"), "an integer 0 or more");
        }

        if (!long.TryParse(Meta("steps"), NumberStyles.None, CultureInfo.InvariantCulture, out long steps))
        {
            throw BadMeta(path, "steps", Meta("steps"), "an integer 0 or more");
        }

        if (!float.TryParse(Meta("learning_rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) || !float.IsFinite(rate) || rate < 0)
        {
            throw BadMeta(path, "learning_rate", Meta("learning_rate"), "a finite number 0 or more");
        }

        IReadOnlyDictionary<string, SafetensorsTensor> tensors = SafetensorsReader.Read(bytes, path, options);
        int count = model.Parameters.Length;
        float[] parameters = Tensor(tensors, "parameters", count, path);
        IReadOnlyList<(string Name, float[] Values)> state = optimizer.StateFor(count);
        var slots = state.Where(s => s.Values.Length > 0).Select(s => (s.Values, Saved: Tensor(tensors, "optimizer." + s.Name, s.Values.Length, path))).ToList();

        parameters.CopyTo(model.Parameters);
        foreach ((float[] values, float[] saved) in slots) saved.CopyTo(values, 0);
        optimizer.RestoreSteps(steps);
        optimizer.LearningRate = rate;
        return new CheckpointInfo(epoch, steps, rate);
    }

    private static InvalidDataException BadMeta(string path, string key, string value, string expected) =>
        WeightFileError.Create(path, null, $"{path}: checkpoint metadata '{key}' is '{value}'; expected {expected}.");

    private static float[] Tensor(IReadOnlyDictionary<string, SafetensorsTensor> tensors, string name, int length, string path)
    {
        if (!tensors.TryGetValue(name, out SafetensorsTensor? tensor)) throw WeightFileError.Create(path, name, $"{path}: the checkpoint has no tensor '{name}'.");
        if (tensor.Values.Length != length)
        {
            throw WeightFileError.Create(path, name, $"{path}: tensor '{name}' holds {tensor.Values.Length} values but the model and optimizer need {length}.");
        }

        return tensor.Values;
    }
}
