using System.Diagnostics;
using RnnGen.Generated;
using RnnGen.Initialization;
using RnnGen.Training;

namespace RnnGen.Seq2Seq;

/// <summary>Options of <see cref="Seq2SeqTrainer.Fit"/>.</summary>
public sealed class Seq2SeqFitOptions
{
    /// <summary>Passes over the data.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Pairs per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Each epoch's order: shuffled by this seed, then sorted by length within runs of <see cref="BucketBatches"/> batches.</summary>
    public int Seed { get; init; }

    /// <summary>Batches per length bucket (1: a plain shuffle).</summary>
    public int BucketBatches { get; init; } = 32;

    /// <summary>
    /// Teacher-forcing ratio of each epoch (1-based) — 1 for plain teacher forcing, a decreasing schedule for scheduled sampling
    /// (Bengio et al. 2015), e.g. <c>epoch => Math.Max(0.5f, 1f - 0.1f * epoch)</c>. Default: always 1.
    /// </summary>
    public Func<int, float>? TeacherForcing { get; init; }

    /// <summary>Called after every epoch with its number (1-based) and mean training loss.</summary>
    public Action<int, double>? OnEpochEnd { get; init; }

    /// <summary>Pairs scored after every epoch in inference mode (<c>Evaluate</c>: dropout off, teacher forcing); checked before the first update.</summary>
    public Seq2SeqDataSet? ValidationData { get; init; }

    /// <summary>Called after every epoch with its number (1-based) and the mean loss of the <see cref="ValidationData"/> batches.</summary>
    public Action<int, double>? OnValidationEnd { get; init; }

    /// <summary>Writes a progress line per epoch to the console.</summary>
    public bool ConsoleProgress { get; init; }
}

/// <summary>The training loop of encoder-decoder models.</summary>
public static class Seq2SeqTrainer
{
    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="data"/>; returns the mean training loss of every epoch. Allocation-free
    /// per batch after the first. Every token is checked before the first update; a non-finite loss or gradient stops training
    /// (<see cref="NotFiniteNumberException"/>, naming epoch and batch) before it reaches the parameters.
    /// </summary>
    public static IReadOnlyList<double> Fit<TModel>(this TModel model, Seq2SeqDataSet data, Optimizer optimizer, Seq2SeqFitOptions? options = null)
        where TModel : IEncoderDecoderModel
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new Seq2SeqFitOptions();
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"Epochs: expected ≥ 1 but got {options.Epochs}.");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"BatchSize: expected ≥ 1 but got {options.BatchSize}.");
        // one thread trains an instance: a second Fit, Forward or Decode on another thread meanwhile throws
        using ConcurrencyGuard.TrainingScope use = ((model as IGuardedModel)?.Concurrency ?? new ConcurrencyGuard()).Train(nameof(Fit));
        Seq2SeqDataValidation.Check(model, data, "data");
        if (options.ValidationData is not null)
        {
            Seq2SeqDataValidation.Check(model, options.ValidationData, "options.ValidationData");
        }

        var random = new DeterministicRandom(options.Seed);
        var losses = new List<double>(options.Epochs);
        int batches = data.BatchCount(options.BatchSize);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            data.Shuffle(random, options.BatchSize, options.BucketBatches);
            float ratio = options.TeacherForcing?.Invoke(epoch) ?? 1f;
            double total = 0;
            for (int b = 0; b < batches; b++)
            {
                Seq2SeqBatch batch = data.GetBatch(b, options.BatchSize, ratio);
                model.Gradients.Clear();
                float batchLoss = model.Forward(batch, default);
                model.Backward();
                FiniteStep.Check(batchLoss, model.Gradients, epoch, b + 1);
                total += batchLoss;
                optimizer.Update(model.Parameters, model.Gradients);
                if (options.ConsoleProgress && ((b + 1) % 100 == 0 || b + 1 == batches))
                {
                    Console.Write($"\repoch {epoch}/{options.Epochs}  batch {b + 1}/{batches}  loss {total / (b + 1):F4}  {clock.Elapsed.TotalSeconds:F0} s ");
                }
            }

            double loss = total / batches;
            losses.Add(loss);
            double validation = options.ValidationData is null ? double.NaN : Validate(model, options.ValidationData, options.BatchSize);
            if (options.ConsoleProgress)
            {
                string scored = options.ValidationData is null ? string.Empty : $"  validation {validation:F4}";
                Console.WriteLine($"\repoch {epoch}/{options.Epochs}  loss {loss:F4}{scored}  teacher forcing {ratio:F2}  {clock.Elapsed.TotalSeconds:F1} s          ");
            }

            options.OnEpochEnd?.Invoke(epoch, loss);
            if (options.ValidationData is not null)
            {
                options.OnValidationEnd?.Invoke(epoch, validation);
            }
        }

        return losses;
    }

    /// <summary>The mean inference-mode loss of the batches of <paramref name="data"/> (in its order, teacher-forced, dropout off).</summary>
    public static double Validate(IEncoderDecoderModel model, Seq2SeqDataSet data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize: expected ≥ 1 but got {batchSize}.");
        Seq2SeqDataValidation.Check(model, data, nameof(data));
        int batches = data.BatchCount(batchSize);
        double total = 0;
        for (int b = 0; b < batches; b++)
        {
            total += model.Evaluate(data.GetBatch(b, batchSize), default);
        }

        return total / batches;
    }
}
