using System.Globalization;
using System.Text.RegularExpressions;
using RnnGen;
using RnnGen.Baselines;
using RnnGen.Data;
using RnnGen.Generation;
using RnnGen.Training;

namespace CharLM;

/// <summary>What one run measured on the held-out text (bits per character) and the text it generated.</summary>
public sealed record CharLmResult(double ModelBits, double ZeroStateBits, double KneserNeyBits, double UnigramBits, int ScoredCharacters,
    IReadOnlyList<(float Temperature, string Text)> Samples);

/// <summary>
/// The sample's pipeline: Moby-Dick lowercased with whitespace collapsed, the first 90 % for training and the rest held
/// out; a character LSTM trained statefully (truncated BPTT over batch lanes) against a modified Kneser-Ney 5-gram.
/// </summary>
public static partial class CharLmRun
{
    private const int Seed = 7, Order = 5;

    /// <summary>The text both models see: lowercase, every run of whitespace one space.</summary>
    public static string Preprocess(string text) => Whitespace().Replace(text.ToLowerInvariant(), " ").Trim();

    /// <summary>Trains and scores both models on <paramref name="bookPath"/>, writing progress and results to <paramref name="log"/>.</summary>
    public static CharLmResult Run(string bookPath, CharLmSettings settings, TextWriter log, bool progress = false)
    {
        string text = Preprocess(File.ReadAllText(bookPath));
        int split = (int)(text.Length * 0.9);
        string training = text[..split], heldOut = text[split..];
        var vocabulary = CharacterVocabulary.Build(training);
        if (vocabulary.Size > CharModel.Vocabulary)
        {
            throw new InvalidOperationException($"The training text has {vocabulary.Size} ids but CharModel reads {CharModel.Vocabulary}.");
        }

        int[] trainIds = vocabulary.Encode(training), heldIds = vocabulary.Encode(heldOut);
        if (settings.TrainingCharacters is { } t) trainIds = trainIds[..Math.Min(t, trainIds.Length)];
        if (settings.HeldOutCharacters is { } h) heldIds = heldIds[..Math.Min(h, heldIds.Length)];
        log.WriteLine(Invariant($"{text.Length:N0} characters ({vocabulary.CharacterCount} distinct): {trainIds.Length:N0} for training, {heldIds.Length:N0} held out"));

        var model = new CharModel(seed: Seed);
        log.WriteLine(model.Summary());
        LaneWindows lanes = LaneWindows.Split(trainIds, settings.Lanes, settings.TimeSteps);
        int batches = settings.Epochs * lanes.WindowCount;
        model.Fit(lanes.ToDataSet(), new Adam(settings.LearningRate) { ClipNorm = 5f }, new FitOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.Lanes,
            Stateful = true,
            Callbacks = [new WarmUpCosinePerBatch(settings.LearningRate, settings.WarmUp, batches)],
            ConsoleProgress = progress,
        });

        // Held out: one stream per lane, read in windows with the state carried; the n-gram scores the same characters.
        int heldLanes = settings.HeldOutLanes;
        LaneWindows held = LaneWindows.Split(heldIds, heldLanes, settings.TimeSteps);
        SequenceDataSet heldData = held.ToDataSet();
        double modelBits = Metrics.BitsPerCharacter(model.Evaluate(heldData, heldLanes, stateful: true).Loss);
        double zeroStateBits = Metrics.BitsPerCharacter(model.Evaluate(heldData, heldLanes).Loss);
        var ngram = KneserNeyLanguageModel.Train(trainIds, Order, vocabulary.Size, variant: KneserNeyVariant.Modified);
        (double ngramBits, double unigramBits, int scored) = ScoreBaselines(ngram, trainIds, heldIds, held, vocabulary.Size);

        log.WriteLine(Invariant($"held-out bits per character ({scored:N0} characters):"));
        log.WriteLine(Invariant($"  character LSTM, streaming      {modelBits:F3}"));
        log.WriteLine(Invariant($"  character LSTM, zero-state     {zeroStateBits:F3}   (each window from a zero state)"));
        log.WriteLine(Invariant($"  Kneser-Ney {Order}-gram (modified) {ngramBits:F3}"));
        log.WriteLine(Invariant($"  unigram                        {unigramBits:F3}"));
        log.WriteLine(Invariant($"  LSTM − Kneser-Ney              {modelBits - ngramBits:+0.000;-0.000}"));

        var samples = new List<(float, string)>();
        int[] prefix = vocabulary.Encode("call me ishmael. ");
        foreach (float temperature in new[] { 0.5f, 1.0f })
        {
            int[] ids = model.Generate(prefix, settings.GeneratedCharacters, new SamplingOptions { Temperature = temperature, Seed = Seed });
            string sample = vocabulary.Decode(ids);
            samples.Add((temperature, sample));
            log.WriteLine(Invariant($"generated, temperature {temperature:F1}:"));
            log.WriteLine("  call me ishmael. " + sample);
        }

        return new CharLmResult(modelBits, zeroStateBits, ngramBits, unigramBits, scored, samples);
    }

    /// <summary>
    /// The n-gram's and the unigram's bits per character over exactly the held-out targets the LSTM scored (each lane's
    /// characters after its first, in whole windows); the n-gram sees up to 4 preceding held-out characters.
    /// </summary>
    private static (double NGram, double Unigram, int Count) ScoreBaselines(KneserNeyLanguageModel ngram, int[] trainIds, int[] heldIds, LaneWindows held, int vocabularySize)
    {
        var counts = new double[vocabularySize];
        foreach (int id in trainIds) counts[id]++;
        double ngramSum = 0, unigramSum = 0;
        int count = 0;
        for (int lane = 0; lane < held.Lanes; lane++)
        {
            int first = lane * held.LaneLength + 1, last = lane * held.LaneLength + held.WindowCount * held.TimeSteps;
            for (int i = first; i <= last; i++)
            {
                int start = Math.Max(0, i - (Order - 1));
                ngramSum -= ngram.LogProbability(heldIds.AsSpan(start, i - start), heldIds[i]);
                unigramSum -= Math.Log(Math.Max(counts[heldIds[i]], 0.5) / trainIds.Length);
                count++;
            }
        }

        return (ngramSum / count / Math.Log(2), unigramSum / count / Math.Log(2), count);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>
    /// Adam's rate per batch (Fit's schedules step per epoch): a linear rise from zero to the peak over the first
    /// <c>warmUp</c> fraction of the run's batches, then a half cosine from the peak to zero over the rest.
    /// </summary>
    private sealed class WarmUpCosinePerBatch(float peak, double warmUp, int batches) : TrainingCallback
    {
        private readonly double _warmUpBatches = warmUp * batches;
        private int _done;

        public override void OnEpochBegin(TrainingContext context)
        {
            if (_done == 0) context.Optimizer.LearningRate = Rate(0); // the first batch already warms up
        }

        public override void OnBatchEnd(TrainingContext context, BatchProgress progress) => context.Optimizer.LearningRate = Rate(++_done);

        /// <summary>The rate for the batch after <paramref name="done"/> finished ones.</summary>
        private float Rate(int done)
        {
            if (done < _warmUpBatches) return (float)(peak * Math.Min(1.0, (done + 1) / _warmUpBatches));
            double decayed = Math.Min(1.0, (done - _warmUpBatches) / Math.Max(1.0, batches - _warmUpBatches));
            return (float)(peak * 0.5 * (1 + Math.Cos(Math.PI * decayed)));
        }
    }
}
