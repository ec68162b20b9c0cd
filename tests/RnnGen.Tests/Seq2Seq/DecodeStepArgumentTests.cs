namespace RnnGen.Tests.Seq2Seq;

public sealed class DecodeStepArgumentTests
{
    [Fact]
    public void A_parent_beam_out_of_range_names_the_argument_and_changes_nothing()
    {
        var model = new PlainLstm(seed: 1);
        model.BeginDecoding(new[] { 1, 2, 3 }, beams: 2);
        var logs = new float[2 * 9];
        model.DecodeStep(new[] { 0, 1 }, new[] { 1, 1 }, logs);
        float[] before = logs.ToArray();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeStep(new[] { 0, 2 }, new[] { 1, 1 }, logs));
        Assert.Equal("parents", e.ParamName);
        Assert.Contains("parents[1]: expected a beam index in 0…1 but got 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeStep(new[] { -1, 0 }, new[] { 1, 1 }, logs));

        // the rejected calls left the beams where they were: the same step again gives the same numbers as a fresh run
        var fresh = new PlainLstm(seed: 1);
        fresh.BeginDecoding(new[] { 1, 2, 3 }, beams: 2);
        var expected = new float[2 * 9];
        fresh.DecodeStep(new[] { 0, 1 }, new[] { 1, 1 }, expected);
        Assert.Equal(before, expected);
        var next = new float[2 * 9];
        var nextExpected = new float[2 * 9];
        model.DecodeStep(new[] { 1, 0 }, new[] { 2, 3 }, next);
        fresh.DecodeStep(new[] { 1, 0 }, new[] { 2, 3 }, nextExpected);
        Assert.Equal(nextExpected, next);
    }
}
