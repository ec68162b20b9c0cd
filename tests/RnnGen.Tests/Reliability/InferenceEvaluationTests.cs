using RnnGen.Data;
using RnnGen.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Tests.Reliability;

/// <summary>Evaluate and the validation of Fit run in inference mode: dropout off, repeatable, the figures Predict gives.</summary>
public sealed class InferenceEvaluationTests
{
    private static SequenceDataSet TaggerData(int count, int seed)
    {
        const int T = 6;
        var random = new Random(seed);
        int[] tokens = Enumerable.Range(0, count * T).Select(_ => random.Next(20)).ToArray();
        int[] tags = tokens.Select(t => t % 5).ToArray();
        int[] lengths = Enumerable.Range(0, count).Select(_ => random.Next(2, T + 1)).ToArray();
        return SequenceDataSet.FromTokens(tokens, count, T, tags, lengths, targetsPerStep: true);
    }

    [Fact]
    public void A_dropout_tagger_evaluates_repeatably_to_the_accuracy_of_its_predictions()
    {
        var model = new DropoutTagger(seed: 1);
        model.Fit(TaggerData(64, 2), new Adam(0.02f), new FitOptions { Epochs = 3, BatchSize = 16 });
        SequenceDataSet test = TaggerData(40, 3);
        EvaluationResult first = model.Evaluate(test, batchSize: 7), again = model.Evaluate(test, batchSize: 16);
        Assert.Equal(first.Loss, again.Loss, 6);
        Assert.Equal(first.Metric, again.Metric);

        // the same figures from Predict: accuracy over the real steps, mean cross-entropy of the predicted probabilities
        var buffers = new BatchBuffers();
        SequenceBatch all = test.FillBatch(Enumerable.Range(0, test.Count).ToArray(), buffers);
        float[] p = new float[test.Count * test.TimeSteps * DropoutTagger.OutputSize];
        model.Predict(all.Tokens, test.Count, test.TimeSteps, p, all.Lengths);
        int correct = 0, steps = 0;
        double loss = 0;
        for (int b = 0; b < test.Count; b++)
        {
            for (int t = 0; t < all.Lengths[b]; t++)
            {
                ReadOnlySpan<float> row = p.AsSpan((b * test.TimeSteps + t) * DropoutTagger.OutputSize, DropoutTagger.OutputSize);
                int best = 0;
                for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
                int y = all.ClassTargets[b * test.TimeSteps + t];
                correct += best == y ? 1 : 0;
                loss -= Math.Log(row[y]);
                steps++;
            }
        }

        Assert.Equal((double)correct / steps, first.Metric, 12);
        Assert.Equal(loss / steps, first.Loss, 4);
    }

    [Fact]
    public void Evaluate_of_a_dropout_model_equals_the_model_without_dropout()
    {
        var model = new DropoutRegressor(seed: 4);
        var plain = new PlainRegressor(seed: 5);
        model.Parameters.CopyTo(plain.Parameters);
        var data = SequenceDataSet.FromFloats(TestFloats.Uniform(12 * 6 * 3, 6), 12, 6, 3, TestFloats.Uniform(12 * 2, 7), 2);
        EvaluationResult a = model.Evaluate(data), b = model.Evaluate(data), c = plain.Evaluate(data);
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(c.Loss, a.Loss);
        Assert.Equal(c.Metric, a.Metric);
        Assert.NotEqual(a.Loss, (double)model.Forward(new SequenceBatch { BatchSize = 12, TimeSteps = 6, Inputs = TestFloats.Uniform(12 * 6 * 3, 6), Targets = TestFloats.Uniform(12 * 2, 7) }, default));
    }

    [Fact]
    public void Fit_validates_in_inference_mode_and_restores_the_best_weights_by_those_figures()
    {
        var model = new DropoutDetector(seed: 8);
        float[] x = TestFloats.Uniform(48 * 5 * 2, 9);
        float[] y = Enumerable.Range(0, 48).Select(i => x[i * 10] > 0 ? 1f : 0f).ToArray();
        var training = SequenceDataSet.FromFloats(x, 48, 5, 2, y, 1);
        var validation = training.Subset(Enumerable.Range(32, 16).ToArray());
        var epochs = new List<(double Loss, float[] Parameters)>();
        TrainingHistory history = model.Fit(training, new Adam(0.01f), new FitOptions
        {
            Epochs = 4,
            BatchSize = 8,
            ValidationData = validation,
            EarlyStoppingPatience = 10,
            OnEpochEnd = e => epochs.Add((e.ValidationLoss!.Value, model.Parameters.ToArray())),
        });

        // each epoch's validation loss is what Evaluate gives for that epoch's weights, every time
        var probe = new DropoutDetector();
        foreach ((double loss, float[] parameters) in epochs)
        {
            parameters.CopyTo(probe.Parameters);
            Assert.Equal(loss, probe.Evaluate(validation, 8).Loss);
            Assert.Equal(loss, probe.Evaluate(validation, 8).Loss);
        }

        int best = epochs.Select((e, i) => (e.Loss, i)).Min().i;
        Assert.Equal(best + 1, history.BestEpoch);
        Assert.Equal(epochs[best].Parameters, model.Parameters.ToArray());
    }

    [Fact]
    public void An_output_recurrent_dropout_model_evaluates_repeatably_without_dropout()
    {
        var model = new DropoutFeedback(seed: 10);
        var data = SequenceDataSet.FromFloats(TestFloats.Uniform(10 * 4 * 2, 11), 10, 4, 2, TestFloats.Uniform(10 * 4 * 2, 12), 2, targetsPerStep: true);
        EvaluationResult a = model.Evaluate(data, 3), b = model.Evaluate(data, 10);
        Assert.Equal(a.Loss, b.Loss, 6);
        var batch = new SequenceBatch { BatchSize = 10, TimeSteps = 4, Inputs = TestFloats.Uniform(10 * 4 * 2, 11), Targets = TestFloats.Uniform(10 * 4 * 2, 12) };
        model.ResetRandom(1);
        float trainingLoss = model.Forward(batch, default);
        Assert.NotEqual(b.Loss, (double)trainingLoss, 6);
        Assert.Equal(b.Loss, (double)((ITrainableModel)model).EvaluateBatch(batch, default), 6);
    }
}
