using RnnGen.Seq2Seq;
using RnnGen.Tests.Seq2Seq;
using RnnGen.Training;

namespace RnnGen.Tests.Reliability;

/// <summary>The seq2seq Fit checks every pair before the first update.</summary>
public sealed class Seq2SeqFitValidationTests
{
    [Fact]
    public void A_bad_target_token_in_the_last_pair_or_an_empty_data_set_is_refused_before_any_update()
    {
        var model = new AdditiveLstm(seed: 1);
        float[] before = model.Parameters.ToArray();
        int[][] sources = Enumerable.Range(0, 12).Select(i => new[] { 3 + i % 8, 4, 5 }).ToArray();
        int[][] targets = Enumerable.Range(0, 12).Select(i => new[] { 3 + i % 6, 4 }).ToArray();
        targets[11] = new[] { 3, 9 };
        var e = Assert.Throws<ArgumentException>(() => model.Fit(new Seq2SeqDataSet(sources, targets, AdditiveLstm.EndToken), new Adam(0.01f), new Seq2SeqFitOptions { Epochs = 1, BatchSize = 4 }));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("data[11].Target[1]: expected a token id in 0…8 but got 9", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());

        e = Assert.Throws<ArgumentException>(() => model.Fit(new Seq2SeqDataSet(Array.Empty<int[]>(), Array.Empty<int[]>(), AdditiveLstm.EndToken), new Adam(0.01f)));
        Assert.Contains("data: expected at least one source-target pair", e.Message);
    }

    [Fact]
    public void A_non_finite_loss_stops_Fit_naming_epoch_and_batch_and_keeps_the_last_finite_weights()
    {
        var model = new AdditiveLstm(seed: 2);
        int[][] sources = Enumerable.Range(0, 12).Select(i => new[] { 3 + i % 8, 4, 5 }).ToArray();
        int[][] targets = Enumerable.Range(0, 12).Select(i => new[] { 3 + i % 6, 4 }).ToArray();
        float[] last = Array.Empty<float>();
        var e = Assert.Throws<NotFiniteNumberException>(() => model.Fit(new Seq2SeqDataSet(sources, targets, AdditiveLstm.EndToken), new Adam(0.01f), new Seq2SeqFitOptions
        {
            Epochs = 3,
            BatchSize = 4,
            OnEpochEnd = (epoch, _) =>
            {
                if (epoch != 1) return;
                model.Output.Bias.Values.Span[0] = float.PositiveInfinity; // the next batch's logits, loss and gradients go NaN
                last = model.Parameters.ToArray();
            },
        }));
        Assert.Matches(@"^Fit: the (loss|gradients) of epoch 2, batch 1 ", e.Message);
        Assert.Equal(last, model.Parameters.ToArray()); // no update from the NaN step
    }
}
