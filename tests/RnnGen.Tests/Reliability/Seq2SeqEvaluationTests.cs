using RnnGen.Seq2Seq;
using RnnGen.Tests.Seq2Seq;
using RnnGen.Training;

namespace RnnGen.Tests.Reliability;

/// <summary>Encoder-decoder evaluation runs in inference mode: repeatable, without dropout, the same figures Fit's validation reports.</summary>
public sealed class Seq2SeqEvaluationTests
{
    private static Seq2SeqDataSet Data(int count, int seed)
    {
        var random = new Random(seed);
        var sources = new List<int[]>();
        var targets = new List<int[]>();
        for (int i = 0; i < count; i++)
        {
            int[] s = Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(3, 9)).ToArray();
            sources.Add(s);
            targets.Add(s.Reverse().ToArray());
        }

        return new Seq2SeqDataSet(sources, targets, endToken: 2);
    }

    [Fact]
    public void Evaluate_of_a_dropout_model_is_repeatable_and_equals_the_model_without_dropout()
    {
        var dropout = new ResidualDropoutSeq2Seq(seed: 3);
        var plain = new ResidualSeq2Seq(seed: 3);
        Assert.Equal(plain.Parameters.ToArray(), dropout.Parameters.ToArray());
        Seq2SeqDataSet data = Data(6, 1);
        int V = ResidualSeq2Seq.TargetVocabularySize;
        Seq2SeqBatch batch = data.GetBatch(0, 6);
        var probabilities = new float[batch.BatchSize * batch.TargetSteps * V];
        var plainProbabilities = new float[probabilities.Length];

        float first = dropout.Evaluate(batch, probabilities), second = dropout.Evaluate(data.GetBatch(0, 6));
        float plainForward = plain.Forward(data.GetBatch(0, 6), plainProbabilities);
        Assert.Equal(first, second);
        Assert.Equal(plainForward, first); // no dropout, teacher forcing: the plain model's training pass, bit for bit
        Assert.Equal(plainProbabilities, probabilities);
        Assert.NotEqual(first, dropout.Forward(data.GetBatch(0, 6)));
        Assert.Equal(first, dropout.Evaluate(data.GetBatch(0, 6))); // the training pass in between changed nothing Evaluate reads

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => dropout.Evaluate(data.GetBatch(0, 6, teacherForcing: 0.5f)));
        Assert.Contains("batch.TeacherForcing: Evaluate feeds every step the true previous target; expected 1 but got 0.5", e.Message);
    }

    [Fact]
    public void Evaluate_between_Forward_and_Backward_leaves_the_gradients_alone()
    {
        Seq2SeqDataSet data = Data(8, 2);
        var expected = new AdditiveLstm(seed: 4);
        expected.Forward(data.GetBatch(0, 8));
        expected.Backward();

        var model = new AdditiveLstm(seed: 4);
        model.Forward(data.GetBatch(0, 8));
        model.Evaluate(data.GetBatch(1, 4));
        model.Backward();
        Assert.Equal(expected.Gradients.ToArray(), model.Gradients.ToArray());
    }

    [Fact]
    public void Fit_reports_the_inference_mode_validation_loss_of_every_epoch_and_checks_the_validation_data_first()
    {
        Seq2SeqDataSet train = Data(24, 3), validation = Data(10, 4);
        var model = new ResidualDropoutSeq2Seq(seed: 5);
        var reported = new List<(int Epoch, double Loss)>();
        double afterFirst = double.NaN;
        model.Fit(train, new Adam(0.01f), new Seq2SeqFitOptions
        {
            Epochs = 3,
            BatchSize = 8,
            ValidationData = validation,
            OnValidationEnd = (epoch, loss) =>
            {
                reported.Add((epoch, loss));
                if (epoch == 1) afterFirst = Seq2SeqTrainer.Validate(model, validation, 8); // the same figure, computed again
            },
        });
        Assert.Equal(new[] { 1, 2, 3 }, reported.Select(r => r.Epoch));
        Assert.Equal(afterFirst, reported[0].Loss);
        Assert.Equal(Seq2SeqTrainer.Validate(model, validation, 8), reported[2].Loss);
        Assert.True(reported[2].Loss < reported[0].Loss, $"validation loss {reported[0].Loss} → {reported[2].Loss}");

        float[] before = model.Parameters.ToArray();
        int[][] sources = { new[] { 3, 4 }, new[] { 5, 6 } }, targets = { new[] { 4, 3 }, new[] { 6, 40 } };
        var e = Assert.Throws<ArgumentException>(() => model.Fit(train, new Adam(0.01f), new Seq2SeqFitOptions { Epochs = 1, ValidationData = new Seq2SeqDataSet(sources, targets, 2) }));
        Assert.Equal("options.ValidationData", e.ParamName);
        Assert.Contains("options.ValidationData[1].Target[1]: expected a token id in 0…8 but got 40", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }
}
