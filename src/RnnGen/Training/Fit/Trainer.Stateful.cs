using RnnGen.Data;

namespace RnnGen.Training;

public static partial class Trainer
{
    /// <summary>
    /// The loss forward pass from <paramref name="state"/>'s states, final states written back (see
    /// <see cref="IStatefulTrainableModel.Forward"/>): one step of a hand-written truncated-BPTT loop, followed by
    /// <c>Backward()</c> and the optimizer's update.
    /// </summary>
    public static float Forward<TModel>(this TModel model, in SequenceBatch batch, Span<float> outputs, IRecurrentState state)
        where TModel : IStatefulTrainableModel
    {
        ArgumentNullException.ThrowIfNull(state);
        return model.Forward(batch, outputs, state);
    }

    /// <summary>
    /// Mean loss and metric of <paramref name="model"/> on <paramref name="data"/> in inference mode; <paramref name="stateful"/>: streaming, as
    /// a language model is scored on held-out text — batches in order, each starting from the state the previous one
    /// ended in (from zero), example <c>k·batchSize + b</c> continuing example <c>(k − 1)·batchSize + b</c>
    /// (<see cref="LaneWindows.ToDataSet"/> with <paramref name="batchSize"/> = its lanes).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stateful"/> and the model has no recurrent state to carry, or the examples are not whole batches.</exception>
    public static EvaluationResult Evaluate<TModel>(this TModel model, SequenceDataSet data, int batchSize, bool stateful)
        where TModel : ITrainableModel
    {
        if (!stateful) return model.Evaluate(data, batchSize);
        ArgumentNullException.ThrowIfNull(data);
        CheckLanes(data, batchSize, nameof(data), nameof(batchSize));
        CheckData(model, data, nameof(data));
        DataValidation.Check(model, data, nameof(data));
        return EvaluateInOrder(model, data, batchSize, AsStateful(model, nameof(stateful)).CreateRecurrentState(batchSize), Array.Empty<FitMetric>());
    }

    /// <summary>A stateful Fit's state for <c>options.BatchSize</c> lanes after checking the data; null when the fit is not stateful.</summary>
    private static IRecurrentState? BeginStateful<TModel>(TModel model, SequenceDataSet training, SequenceDataSet? validation, FitOptions options)
        where TModel : ITrainableModel
    {
        if (!options.Stateful) return null;
        IStatefulTrainableModel stateful = AsStateful(model, "options.Stateful");
        CheckLanes(training, options.BatchSize, options.ValidationData is null && options.ValidationSplit > 0 ? "data (after ValidationSplit)" : "data", "options.BatchSize");
        if (validation is not null)
        {
            CheckLanes(validation, options.BatchSize, options.ValidationData is null ? "the ValidationSplit part" : "options.ValidationData", "options.BatchSize");
        }

        return stateful.CreateRecurrentState(options.BatchSize);
    }

    private static float ForwardBatch<TModel>(TModel model, in SequenceBatch batch, Span<float> outputs, IRecurrentState? state)
        where TModel : ITrainableModel
        => state is null ? model.Forward(batch, outputs) : ((IStatefulTrainableModel)model).Forward(batch, outputs, state);

    private static IStatefulTrainableModel AsStateful<TModel>(TModel model, string name)
        where TModel : ITrainableModel
        => model as IStatefulTrainableModel
            ?? throw new ArgumentException($"{name}: {model.GetType().Name} has no recurrent state a stateful pass can carry from batch to batch.", name);

    // Lanes continue from batch to batch only when every batch holds all of them.
    private static void CheckLanes(SequenceDataSet data, int batchSize, string name, string batchName)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(batchName, batchSize, $"{batchName}: expected at least 1 but got {batchSize}.");
        if (data.Count % batchSize != 0)
        {
            throw new ArgumentException($"{name}: a stateful pass needs whole batches of {batchName} = {batchSize} lanes, but it holds {data.Count} examples (not a multiple).", name);
        }
    }
}
