using RnnGen.Training;
using RnnGen.Trees;

namespace RnnGen.Tests.Trees;

public sealed class RecursiveNetworkTests
{
    private static readonly BinaryTree[] Trees =
    {
        BinaryTree.Parse("((0 1) (2 (3 4)))", int.Parse), BinaryTree.Parse("5", int.Parse),
        BinaryTree.Parse("(((1 2) 3) 0)", int.Parse), BinaryTree.Parse("(6 6)", int.Parse),
    };

    private static readonly int[] Labels = { 2, 0, 1, 2 };

    [Theory]
    [InlineData(TreeCellKind.Lstm)]
    [InlineData(TreeCellKind.Tanh)]
    public void Every_gradient_matches_central_differences_of_the_loss(TreeCellKind cell)
    {
        var net = new RecursiveNetwork(7, 4, 4, 3, cell, seed: 3);
        net.ZeroGradients();
        net.Forward(Trees, Labels);
        net.Backward();
        float[] analytic = net.Gradients.ToArray();
        Span<float> p = net.Parameters;
        var wrong = new List<string>();
        for (int i = 0; i < p.Length; i++)
        {
            float keep = p[i];
            p[i] = keep + 1e-2f;
            double up = net.Forward(Trees, Labels);
            p[i] = keep - 1e-2f;
            double down = net.Forward(Trees, Labels);
            p[i] = keep;
            double numeric = (up - down) / 2e-2;
            if (Math.Abs(analytic[i] - numeric) > 2e-3 + 2e-2 * Math.Abs(numeric))
            {
                wrong.Add($"{i}: analytic {analytic[i]}, numeric {numeric}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Predict_gives_each_root_a_distribution_independent_of_the_batch()
    {
        var net = new RecursiveNetwork(7, 5, 6, 3, TreeCellKind.Lstm, seed: 1);
        var all = new float[Trees.Length * 3];
        net.Predict(Trees, all);
        for (int t = 0; t < Trees.Length; t++)
        {
            var one = new float[3];
            net.Predict(new[] { Trees[t] }, one);
            Assert.Equal(1f, one.Sum(), 5);
            for (int k = 0; k < 3; k++) Assert.Equal(one[k], all[t * 3 + k], 5);
        }
    }

    [Fact]
    public void Training_learns_a_rule_that_depends_on_the_tree_shape()
    {
        // label = 1 when the left subtree of the root is deeper than the right one, else 0 (same leaves, different brackets)
        var trees = new List<BinaryTree>();
        var labels = new List<int>();
        foreach (string text in new[] { "((0 1) 2)", "(0 (1 2))", "((2 0) 1)", "(2 (0 1))", "((1 2) 0)", "(1 (2 0))", "(((0 1) 2) 0)", "(0 (1 (2 0)))" })
        {
            BinaryTree tree = BinaryTree.Parse(text, int.Parse);
            trees.Add(tree);
            labels.Add(text.StartsWith("((", StringComparison.Ordinal) ? 1 : 0);
        }

        var net = new RecursiveNetwork(3, 8, 8, 2, TreeCellKind.Lstm, seed: 2);
        float[] losses = net.Fit(trees, labels, new Adam(0.05f), epochs: 60, batchSize: 4, seed: 1);
        Assert.True(losses[^1] < 0.1f * losses[0], $"loss {losses[0]} → {losses[^1]}");
        Assert.Equal(1.0, net.Accuracy(trees, labels));
    }

    [Fact]
    public void A_training_step_allocates_nothing_after_warm_up()
    {
        var net = new RecursiveNetwork(7, 4, 4, 3, TreeCellKind.Lstm);
        var optimizer = new Adam(0.01f);
        void Step()
        {
            net.ZeroGradients();
            net.Forward(Trees, Labels);
            net.Backward();
            optimizer.Update(net.Parameters, net.Gradients);
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_input_is_rejected_before_anything_changes()
    {
        var net = new RecursiveNetwork(7, 4, 4, 3);
        Assert.Contains("labels[1] = 3; expected 0 … 2", Assert.Throws<ArgumentException>(() => net.Forward(Trees, new[] { 0, 3, 0, 0 })).Message);
        Assert.Throws<InvalidOperationException>(() => net.Backward());
        Assert.Contains("trees[0]: leaf 0 has token 9", Assert.Throws<ArgumentException>(() => net.Predict(new[] { BinaryTree.Leaf(9) }, new float[3])).Message);
        Assert.Contains("embeddingSize must equal hiddenSize = 4", Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveNetwork(7, 5, 4, 3, TreeCellKind.Tanh)).Message);
        float[] before = net.Parameters.ToArray();
        Assert.Throws<ArgumentException>(() => net.Fit(Trees, new[] { 0, 0, 0, 7 }, new Adam(0.1f), 1));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(new[] { "embedding.weight", "tree.weight_ih", "tree.weight_hh", "tree.bias", "output.weight", "output.bias" }, net.NamedParameters.Select(t => t.Name));
    }
}
