namespace RnnGen.Tests.Samples;

/// <summary>samples/TreeArithmetic: both models train and are scored on held-out expressions in its smoke mode.</summary>
[Collection(SampleCollection.Name)]
public sealed class TreeArithmeticSampleTests
{
    [Fact]
    public void Smoke_mode_trains_the_tree_and_the_sequence_model_and_scores_both()
    {
        string text = SampleRunner.Run(typeof(TreeArithmetic.Expressions).Assembly, "--smoke");
        Assert.InRange(SampleRunner.Figure(text, "held-out accuracy, Tree-LSTM:"), 0, 1);
        Assert.InRange(SampleRunner.Figure(text, "held-out accuracy, sequential LSTM:"), 0, 1);
        Assert.Matches(@"e\.g\. \(.*\) = [0-9] \(mod 10\)", text);
    }

    [Theory]
    [InlineData("(3 + (4 * 2))", 1)]
    [InlineData("((9 - 4) * 3)", 5)]
    [InlineData("(2 - 7)", 5)]
    public void Expressions_evaluate_mod_10_and_become_trees_and_token_sequences(string text, int value)
    {
        Assert.Equal(value, TreeArithmetic.Expressions.Value(text));
        RnnGen.Trees.BinaryTree tree = TreeArithmetic.Expressions.Tree(text);
        int leaves = text.Count(char.IsDigit) + text.Count(c => c is '+' or '-' or '*');
        Assert.Equal(2 * leaves - 1, tree.NodeCount);
        Assert.Equal(text.Count(c => c != ' '), TreeArithmetic.Expressions.Tokens(text).Length);
    }

    [Fact]
    public void Random_expressions_carry_their_own_value()
    {
        var random = new RnnGen.Initialization.DeterministicRandom(3);
        for (int i = 0; i < 200; i++)
        {
            var (text, value) = TreeArithmetic.Expressions.Random(random, 1 + i % 4);
            Assert.Equal(TreeArithmetic.Expressions.Value(text), value);
        }
    }
}
