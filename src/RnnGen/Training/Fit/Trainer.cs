using System.Diagnostics;
using System.Globalization;
using RnnGen.Data;
using RnnGen.Generated;
using RnnGen.Initialization;

namespace RnnGen.Training;

/// <summary>The training loop: <c>model.Fit(data, optimizer, options)</c> and <c>model.Evaluate(data)</c> for every generated model with a loss.</summary>
public static partial class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="data"/>: per epoch, the scheduled learning rate, seeded shuffling,
    /// mini-batches of Forward → Backward → optimizer update, then validation, callbacks, early stopping on the monitored
    /// quantity; returns the per-epoch history. The batch loop allocates nothing once the first batch has sized the
    /// buffers (console progress and callbacks aside).
    /// </summary>
    public static TrainingHistory Fit<TModel>(this TModel model, SequenceDataSet data, Optimizer optimizer, FitOptions? options = null)
        where TModel : ITrainableModel
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new FitOptions();
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"options.Epochs: expected at least 1 but got {options.Epochs}.");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"options.BatchSize: expected at least 1 but got {options.BatchSize}.");
        if (options.InitialEpoch < 0 || options.InitialEpoch >= options.Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.InitialEpoch, $"options.InitialEpoch: expected 0 … {options.Epochs - 1} (below Epochs) but got {options.InitialEpoch}.");
        }

        if (options.TimeBudget is { } time && time <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), time, $"options.TimeBudget: expected a positive time but got {time}.");
        }
        CheckData(model, data, nameof(data));
        float[]? classWeights = CheckMetricOptions(model, options);
        (SequenceDataSet training, SequenceDataSet? validation) = DataValidation.Split(data, options);
        if (validation is not null) CheckData(model, validation, "options.ValidationData");
        DataValidation.Check(model, training, nameof(data));
        if (validation is not null) DataValidation.Check(model, validation, options.ValidationData is null ? "the ValidationSplit part of data" : "options.ValidationData");

        // one Fit at a time per model, and no inference on other threads while it changes the parameters
        using ConcurrencyGuard.TrainingScope use = ((model as IGuardedModel)?.Concurrency ?? new ConcurrencyGuard()).Train(nameof(Fit));
        IRecurrentState? state = BeginStateful(model, training, validation, options);
        bool shuffle = options.Shuffle && state is null;

        int[] order = Enumerable.Range(0, training.Count).ToArray();
        var random = new DeterministicRandom(options.Seed);
        if (shuffle)
        {
            // epoch e's order is the e-th of one seeded stream of in-place shuffles: replay those of the epochs already run
            for (int e = 0; e < options.InitialEpoch; e++) random.Shuffle(order.AsSpan());
        }

        var buffers = new BatchBuffers();
        float[] outputs = new float[options.BatchSize * (model.OutputIsSequence ? training.TimeSteps : 1) * model.ModelOutputSize];
        var metrics = new MetricAccumulator(model.Loss);
        var fitMetrics = new FitMetricAccumulator(options.Metrics, model.Loss, model.ModelOutputSize);
        var history = new TrainingHistory(metrics.MetricName);
        var context = new TrainingContext(optimizer, history);
        bool maximise = options.MonitorMetric is { } watched
            ? FitMetrics.HigherIsBetter(watched)
            : options.Monitor is Monitored.ValidationMetric or Monitored.Metric && metrics.MetricName != "mae";
        float[]? best = options.EarlyStoppingPatience is null ? null : new float[model.Parameters.Length];
        double bestValue = double.NaN;
        int sinceBest = 0;
        int batches = (training.Count + options.BatchSize - 1) / options.BatchSize;
        float baseRate = optimizer.LearningRate;
        var budget = Stopwatch.StartNew();

        for (int epoch = options.InitialEpoch + 1; epoch <= options.Epochs && history.StopReason == StopReason.Completed; epoch++)
        {
            var clock = Stopwatch.StartNew();
            context.Epoch = epoch;
            if (options.Schedule is not null) optimizer.LearningRate = options.Schedule.Rate(epoch, baseRate);
            foreach (TrainingCallback callback in options.Callbacks) callback.OnEpochBegin(context);
            if (shuffle) random.Shuffle(order.AsSpan());
            state?.Reset();
            metrics.Reset();
            fitMetrics.Reset();
            for (int batch = 0; batch < batches; batch++)
            {
                int start = batch * options.BatchSize, n = Math.Min(options.BatchSize, training.Count - start);
                SequenceBatch view = training.FillBatch(order.AsSpan(start, n), buffers) with { ClassWeights = classWeights };
                Span<float> batchOutputs = outputs.AsSpan(0, n * (model.OutputIsSequence ? training.TimeSteps : 1) * model.ModelOutputSize);
                model.Gradients.Clear();
                float loss = ForwardBatch(model, view, batchOutputs, state);
                model.Backward();
                FiniteStep.Check(loss, model.Gradients, epoch, batch + 1);
                optimizer.Update(model.Parameters, model.Gradients);
                metrics.Add(loss, view, batchOutputs, model.ModelOutputSize, model.OutputIsSequence);
                fitMetrics.Add(loss, view, batchOutputs, model.OutputIsSequence);
                var progress = new BatchProgress(epoch, batch + 1, batches, metrics.MeanLoss, metrics.Metric);
                options.OnBatchEnd?.Invoke(progress);
                foreach (TrainingCallback callback in options.Callbacks) callback.OnBatchEnd(context, progress);
                if (options.ConsoleProgress) WriteProgress(epoch, options.Epochs, batch + 1, batches, metrics);
                if (context.StopTraining) history.StopReason = StopReason.Callback;
                else if (budget.Elapsed >= options.TimeBudget) history.StopReason = StopReason.TimeBudget;
                if (history.StopReason != StopReason.Completed) break;
            }

            double trainLoss = metrics.MeanLoss, trainMetric = metrics.Metric;
            EvaluationResult? val = validation is null ? null : state is null
                ? model.Evaluate(validation, options.Metrics, options.BatchSize)
                : EvaluateInOrder(model, validation, options.BatchSize, AsStateful(model, nameof(options)).CreateRecurrentState(options.BatchSize), options.Metrics);
            var result = new EpochResult(epoch, trainLoss, trainMetric, val?.Loss, val?.Metric, clock.Elapsed)
            {
                Metrics = fitMetrics.Values(),
                ValidationMetrics = val?.Metrics ?? EpochResult.EmptyMetrics,
            };
            history.Add(result);
            if (options.ConsoleProgress) WriteEpoch(result, options.Epochs, batches, metrics.MetricName, options.Metrics);
            options.OnEpochEnd?.Invoke(result);
            options.Schedule?.Observe(result);
            if (options.CheckpointPath is not null && history.StopReason == StopReason.Completed)
            {
                // an epoch cut short by a callback or the time budget is not saved: the last checkpoint stays the last whole epoch
                Checkpoint.Save(options.CheckpointPath, model, optimizer, epoch, baseRate);
            }
            foreach (TrainingCallback callback in options.Callbacks) callback.OnEpochEnd(context, result);
            if (context.StopTraining && history.StopReason == StopReason.Completed) history.StopReason = StopReason.Callback;

            double monitored = options.MonitorMetric is { } m ? (val?.Metrics ?? result.Metrics)[m] : options.Monitor switch
            {
                Monitored.ValidationLoss => val?.Loss ?? trainLoss,
                Monitored.ValidationMetric => val?.Metric ?? trainMetric,
                Monitored.Loss => trainLoss,
                _ => trainMetric,
            };
            if (double.IsNaN(bestValue) || (maximise ? monitored > bestValue : monitored < bestValue))
            {
                bestValue = monitored;
                sinceBest = 0;
                history.BestEpoch = epoch;
                if (best is not null) model.Parameters.CopyTo(best);
            }
            else if (best is not null && ++sinceBest >= options.EarlyStoppingPatience && history.StopReason == StopReason.Completed)
            {
                history.StopReason = StopReason.EarlyStopping;
            }
        }

        if (best is not null && options.RestoreBestWeights && history.Epochs.Count > 0)
        {
            best.CopyTo(model.Parameters);
        }
        else
        {
            history.BestEpoch = history.Epochs.Count == 0 ? options.InitialEpoch : history.Epochs[^1].Epoch;
        }

        return history;
    }

    /// <summary>
    /// Mean loss and metric of <paramref name="model"/> on <paramref name="data"/> in inference mode (dropout off): repeatable,
    /// the figures <c>Predict</c>'s outputs give, no parameter changes. Bad data throws before anything runs.
    /// </summary>
    public static EvaluationResult Evaluate<TModel>(this TModel model, SequenceDataSet data, int batchSize = 32)
        where TModel : ITrainableModel
        => model.Evaluate(data, Array.Empty<FitMetric>(), batchSize);

    /// <summary>Mean loss, metric and <paramref name="fitMetrics"/> (in <see cref="EvaluationResult.Metrics"/>) of <paramref name="model"/> on <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">A metric does not apply to the model's loss, or the data does not fit the model.</exception>
    public static EvaluationResult Evaluate<TModel>(this TModel model, SequenceDataSet data, IReadOnlyList<FitMetric> fitMetrics, int batchSize = 32)
        where TModel : ITrainableModel
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize: expected at least 1 but got {batchSize}.");
        CheckData(model, data, nameof(data));
        DataValidation.Check(model, data, nameof(data));
        return EvaluateInOrder(model, data, batchSize, state: null, fitMetrics);
    }

    /// <summary>The batches of <paramref name="data"/> in order, inference mode; with a <paramref name="state"/>, carried from each batch to the next.</summary>
    private static EvaluationResult EvaluateInOrder<TModel>(TModel model, SequenceDataSet data, int batchSize, IRecurrentState? state, IReadOnlyList<FitMetric> fitMetrics)
        where TModel : ITrainableModel
    {
        var extra = new FitMetricAccumulator(fitMetrics, model.Loss, model.ModelOutputSize);
        var buffers = new BatchBuffers();
        int perExample = (model.OutputIsSequence ? data.TimeSteps : 1) * model.ModelOutputSize;
        float[] outputs = new float[batchSize * perExample];
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        var metrics = new MetricAccumulator(model.Loss);
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            SequenceBatch view = data.FillBatch(order.AsSpan(start, n), buffers);
            float loss = state is null
                ? model.EvaluateBatch(view, outputs.AsSpan(0, n * perExample))
                : ((IStatefulTrainableModel)model).EvaluateBatch(view, outputs.AsSpan(0, n * perExample), state);
            metrics.Add(loss, view, outputs.AsSpan(0, n * perExample), model.ModelOutputSize, model.OutputIsSequence);
            extra.Add(loss, view, outputs.AsSpan(0, n * perExample), model.OutputIsSequence);
        }

        return new EvaluationResult(metrics.MeanLoss, metrics.Metric, metrics.MetricName, metrics.Perplexity) { Metrics = extra.Values() };
    }

    private static void CheckData(ITrainableModel model, SequenceDataSet data, string name)
    {
        if (model.TakesTokens != data.HasTokens)
        {
            throw new ArgumentException($"{name}: the model reads {(model.TakesTokens ? "token ids" : "floats")} but the data set holds {(data.HasTokens ? "token ids" : "floats")}.", name);
        }

        if (!model.TakesTokens && data.FeatureSize != model.ModelInputSize)
        {
            throw new ArgumentException($"{name}: the model reads {model.ModelInputSize} features per step but the data set has {data.FeatureSize}.", name);
        }

        if (data.ConditionSize != model.ConditionSize)
        {
            throw new ArgumentException(model.ConditionSize == 0
                ? $"{name}: the model is not conditioned but the data set carries condition vectors of {data.ConditionSize} floats."
                : $"{name}: the model is conditioned on {model.ConditionSize} floats per example but the data set carries {data.ConditionSize} (SequenceDataSet.WithConditions).", name);
        }

        if ((model.Loss == Loss.CrossEntropy) != data.HasClassTargets)
        {
            throw new ArgumentException($"{name}: Loss.{model.Loss} needs {(model.Loss == Loss.CrossEntropy ? "class-id" : "float")} targets.", name);
        }

        int expected = (model.OutputIsSequence ? data.TimeSteps : 1) * (model.Loss == Loss.CrossEntropy ? 1 : model.ModelOutputSize);
        if (data.TargetsPerExample != expected)
        {
            throw new ArgumentException($"{name}: expected {expected} target values per example but the data set has {data.TargetsPerExample}.", name);
        }
    }

    private static void WriteProgress(int epoch, int epochs, int batch, int batches, MetricAccumulator metrics)
    {
        if (batch != batches && batch % Math.Max(1, batches / 20) != 0) return;
        const int width = 30;
        int done = width * batch / batches;
        string bar = new string('=', Math.Max(0, done - 1)) + (done < width ? ">" : "=") + new string('.', width - done);
        Console.Write(string.Create(CultureInfo.InvariantCulture, $"\rEpoch {epoch}/{epochs} [{bar}] {batch}/{batches} - loss: {metrics.MeanLoss:F4} - {metrics.MetricName}: {metrics.Metric:F4}   "));
    }

    private static void WriteEpoch(EpochResult e, int epochs, int batches, string metric, IReadOnlyList<FitMetric> fitMetrics)
    {
        string validation = e.ValidationLoss is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" - val_loss: {e.ValidationLoss:F4} - val_{metric}: {e.ValidationMetric:F4}");
        string extra = string.Concat(fitMetrics.Select(m => string.Create(CultureInfo.InvariantCulture, $" - {FitMetrics.NameOf(m)}: {e.Metrics[m]:F4}")));
        string extraValidation = string.Concat(fitMetrics.Where(e.ValidationMetrics.ContainsKey).Select(m => string.Create(CultureInfo.InvariantCulture, $" - val_{FitMetrics.NameOf(m)}: {e.ValidationMetrics[m]:F4}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\rEpoch {e.Epoch}/{epochs} {batches}/{batches} - {e.Duration.TotalSeconds:F1}s - loss: {e.Loss:F4} - {metric}: {e.Metric:F4}{extra}{validation}{extraValidation}          "));
    }
}
