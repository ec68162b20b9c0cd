using RnnGen.Training;
using RnnGen.Trees;

namespace RnnGen.Tests.Trees;

/// <summary>
/// Tree models declared in the DSL (<see cref="TreeLstmClassifier"/>, <see cref="TreeRnnRegressor"/>): outputs and every
/// parameter gradient against the float64 recursive reference (<see cref="TreeReference"/>) and its central differences, on
/// a batch of trees of different shapes; training, checks, weight files, concurrency and allocation.
/// </summary>
public sealed class TreeModelTests
{
    private static readonly BinaryTree[] Trees =
    {
        BinaryTree.Parse("((0 1) (2 (3 4)))", int.Parse), BinaryTree.Parse("5", int.Parse),
        BinaryTree.Parse("(((1 2) 3) 0)", int.Parse), BinaryTree.Parse("(6 6)", int.Parse),
    };

    private static readonly int[] Labels = { 2, 0, 1, 2 };

    /// <summary>The model's parameters in float64 and where each named tensor starts.</summary>
    private static (double[] P, Dictionary<string, int> At) Snapshot(IReadOnlyList<NamedTensor> named, ReadOnlySpan<float> parameters)
    {
        var at = new Dictionary<string, int>();
        int offset = 0;
        foreach (NamedTensor t in named)
        {
            at[t.Name] = offset;
            offset += t.Length;
        }

        return (parameters.ToArray().Select(v => (double)v).ToArray(), at);
    }

    private static double[] Slice(double[] p, int start, int length) => p.AsSpan(start, length).ToArray();

    /// <summary>The leaves' embeddings of <paramref name="tree"/>, left to right, <c>[leaves, E]</c>.</summary>
    private static double[] Embed(BinaryTree tree, double[] p, int table, int E)
        => tree.Tokens().SelectMany(token => Slice(p, table + token * E, E)).ToArray();

    /// <summary>z = W h + b of the head, W <c>[U, H]</c>.</summary>
    private static double[] Head(double[] h, double[] p, int weight, int bias, int U)
    {
        int H = h.Length;
        var z = new double[U];
        for (int u = 0; u < U; u++)
        {
            z[u] = p[bias + u];
            for (int j = 0; j < H; j++) z[u] += p[weight + u * H + j] * h[j];
        }

        return z;
    }

    /// <summary>The classifier's logits for <paramref name="tree"/> in float64.</summary>
    private static double[] LstmLogits(BinaryTree tree, double[] p, Dictionary<string, int> at)
    {
        const int E = 3, H = 4;
        int leaf = 0;
        double[] h = TreeReference.LstmNode(tree, tree.Root, E, H, Embed(tree, p, at["Tokens.weight"], E), ref leaf,
            Slice(p, at["Composition.weight_ih"], 5 * H * E), Slice(p, at["Composition.weight_hh"], 5 * H * 2 * H), Slice(p, at["Composition.bias"], 5 * H), out _);
        return Head(h, p, at["Label.weight"], at["Label.bias"], 3);
    }

    /// <summary>The regressor's outputs tanh(W h + b) for <paramref name="tree"/> in float64.</summary>
    private static double[] RnnOutputs(BinaryTree tree, double[] p, Dictionary<string, int> at)
    {
        const int H = 4;
        int leaf = 0;
        double[] h = TreeReference.RnnNode(tree, tree.Root, H, Embed(tree, p, at["Tokens.weight"], H), ref leaf,
            Slice(p, at["Composition.weight_hh"], H * 2 * H), Slice(p, at["Composition.bias"], H));
        return Head(h, p, at["Score.weight"], at["Score.bias"], 2).Select(Math.Tanh).ToArray();
    }

    /// <summary>Mean cross-entropy of the roots in float64.</summary>
    private static double CrossEntropy(double[] p, Dictionary<string, int> at)
    {
        double loss = 0;
        for (int t = 0; t < Trees.Length; t++)
        {
            double[] z = LstmLogits(Trees[t], p, at);
            double max = z.Max();
            loss += Math.Log(z.Sum(v => Math.Exp(v - max))) + max - z[Labels[t]];
        }

        return loss / Trees.Length;
    }

    private static void CheckGradients(ReadOnlySpan<float> analytic, double[] p, Func<double> loss)
    {
        var wrong = new List<string>();
        for (int i = 0; i < p.Length; i++)
        {
            double keep = p[i];
            p[i] = keep + 1e-5;
            double up = loss();
            p[i] = keep - 1e-5;
            double down = loss();
            p[i] = keep;
            double numeric = (up - down) / 2e-5;
            if (Math.Abs(analytic[i] - numeric) > 2e-4 + 2e-3 * Math.Abs(numeric))
            {
                wrong.Add($"parameter {i}: analytic {analytic[i]}, finite difference {numeric}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Tree_lstm_classifier_matches_the_float64_reference_on_trees_of_different_shapes()
    {
        var model = new TreeLstmClassifier(seed: 3);
        (double[] p, Dictionary<string, int> at) = Snapshot(model.NamedParameters, model.Parameters);
        var probabilities = new float[Trees.Length * TreeLstmClassifier.OutputSize];
        model.Predict(Trees, probabilities);
        for (int t = 0; t < Trees.Length; t++)
        {
            double[] z = LstmLogits(Trees[t], p, at);
            double sum = z.Sum(Math.Exp);
            for (int k = 0; k < 3; k++) Assert.Equal(Math.Exp(z[k]) / sum, probabilities[t * 3 + k], 5);
        }

        Assert.Equal(CrossEntropy(p, at), model.Forward(Trees, Labels), 5);
    }

    [Fact]
    public void Tree_lstm_classifier_gradients_match_central_differences_of_the_float64_loss()
    {
        var model = new TreeLstmClassifier(seed: 3);
        model.ZeroGradients();
        model.Forward(Trees, Labels);
        model.Backward();
        (double[] p, Dictionary<string, int> at) = Snapshot(model.NamedParameters, model.Parameters);
        CheckGradients(model.Gradients, p, () => CrossEntropy(p, at));
    }

    [Fact]
    public void Tree_rnn_forward_backward_pair_matches_the_float64_reference_and_its_central_differences()
    {
        var model = new TreeRnnRegressor(seed: 5);
        var r = new[] { 0.3, -1.1, 0.7, 0.2, -0.4, 0.9, 1.3, -0.6 }; // L = Σ r · y
        var outputs = new float[Trees.Length * 2];
        model.ZeroGradients();
        model.Forward(Trees, outputs);
        model.Backward(r.Select(v => (float)v).ToArray());
        (double[] p, Dictionary<string, int> at) = Snapshot(model.NamedParameters, model.Parameters);
        for (int t = 0; t < Trees.Length; t++)
        {
            double[] y = RnnOutputs(Trees[t], p, at);
            for (int k = 0; k < 2; k++) Assert.Equal(y[k], outputs[t * 2 + k], 5);
        }

        CheckGradients(model.Gradients, p, () => Enumerable.Range(0, Trees.Length).Sum(t => RnnOutputs(Trees[t], p, at).Select((y, k) => r[t * 2 + k] * y).Sum()));
    }

    [Fact]
    public void Tree_rnn_squared_error_and_its_gradients_match_the_float64_reference()
    {
        var model = new TreeRnnRegressor(seed: 6);
        float[] targets = { 0.5f, -0.5f, 0f, 0.25f, -0.75f, 0.1f, 0.9f, -0.2f };
        model.ZeroGradients();
        float loss = model.Forward(Trees, targets, default);
        model.Backward();
        (double[] p, Dictionary<string, int> at) = Snapshot(model.NamedParameters, model.Parameters);
        double Reference() => Enumerable.Range(0, Trees.Length).Sum(t => RnnOutputs(Trees[t], p, at).Select((y, k) => (y - targets[t * 2 + k]) * (y - targets[t * 2 + k])).Sum()) / targets.Length;
        Assert.Equal(Reference(), loss, 5);
        CheckGradients(model.Gradients, p, Reference);
    }

    [Fact]
    public void Predict_gives_each_root_the_same_row_alone_as_in_a_batch_of_other_shapes()
    {
        var model = new TreeLstmClassifier(seed: 1);
        var all = new float[Trees.Length * 3];
        model.Predict(Trees, all);
        for (int t = 0; t < Trees.Length; t++)
        {
            var one = new float[3];
            model.Predict(Trees[t], one);
            Assert.Equal(1f, one.Sum(), 5);
            for (int k = 0; k < 3; k++) Assert.Equal(one[k], all[t * 3 + k], 6);
        }
    }

    [Fact]
    public void Fit_learns_a_rule_that_depends_on_the_tree_shape()
    {
        // label = 1 when the left subtree of the root is deeper than the right one, else 0 (same leaves, different brackets)
        var trees = new List<BinaryTree>();
        var labels = new List<int>();
        foreach (string text in new[] { "((0 1) 2)", "(0 (1 2))", "((2 0) 1)", "(2 (0 1))", "((1 2) 0)", "(1 (2 0))", "(((0 1) 2) 0)", "(0 (1 (2 0)))" })
        {
            trees.Add(BinaryTree.Parse(text, int.Parse));
            labels.Add(text.StartsWith("((", StringComparison.Ordinal) ? 2 : 0); // classes 0 and 2 of the three
        }

        var model = new TreeLstmClassifier(seed: 2);
        TrainingHistory history = model.Fit(trees, labels, new Adam(0.05f), epochs: 60, batchSize: 4, seed: 1);
        Assert.Equal(60, history.Epochs.Count);
        Assert.True(history.Epochs[^1].Loss < 0.1 * history.Epochs[0].Loss, $"loss {history.Epochs[0].Loss} → {history.Epochs[^1].Loss}");
        EvaluationResult result = model.Evaluate(trees, labels);
        Assert.Equal(1.0, result.Metric);
        Assert.Equal("accuracy", result.MetricName);
    }

    [Fact]
    public void Fit_with_float_targets_lowers_the_squared_error_and_evaluates_the_mean_absolute_error()
    {
        var model = new TreeRnnRegressor(seed: 2);
        float[] targets = { 0.5f, -0.5f, 0f, 0.25f, -0.75f, 0.1f, 0.9f, -0.2f };
        double before = model.Evaluate(Trees, targets).Loss;
        TrainingHistory history = model.Fit(Trees, targets, new Adam(0.02f), epochs: 80, batchSize: 2, seed: 3);
        EvaluationResult after = model.Evaluate(Trees, targets);
        Assert.True(after.Loss < 0.2 * before, $"loss {before} → {after.Loss}");
        Assert.Equal("mae", after.MetricName);
        Assert.InRange(after.Metric, 0, Math.Sqrt(after.Loss) + 1e-6); // the mean |error| is at most the root mean square
        Assert.Contains("targets: expected [trees.Count, OutputSize] = 4·2 = 8 elements but got 7",
            Assert.Throws<ArgumentException>(() => model.Fit(Trees, targets.AsSpan(0, 7), new Adam(0.02f), 1)).Message);
        Assert.Equal(80, history.Epochs.Count);
    }

    [Fact]
    public void Keras_initialisation_sets_the_tree_lstm_forget_biases_to_one_and_the_rest_to_zero()
    {
        var model = new TreeLstmClassifier(0, Initializer.Keras);
        float[] bias = model.Composition.Parameters[2].Values.ToArray(); // i, f_l, f_r, o, u blocks of 4
        Assert.Equal(Enumerable.Repeat(0f, 4).Concat(Enumerable.Repeat(1f, 8)).Concat(Enumerable.Repeat(0f, 8)), bias);
        Assert.All(model.Composition.Parameters[0].Values.ToArray(), w => Assert.InRange(w, -MathF.Sqrt(6f / (3 + 20)), MathF.Sqrt(6f / (3 + 20))));
    }

    [Fact]
    public void A_training_step_and_a_prediction_allocate_nothing_after_warm_up()
    {
        var model = new TreeLstmClassifier();
        var optimizer = new Adam(0.01f);
        var probabilities = new float[Trees.Length * 3];
        void Step()
        {
            model.ZeroGradients();
            model.Forward(Trees, Labels);
            model.Backward();
            optimizer.Update(model.Parameters, model.Gradients);
            model.Predict(Trees, probabilities);
            model.Predict(Trees[0], probabilities.AsSpan(0, 3));
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_input_is_rejected_naming_the_argument_before_anything_changes()
    {
        var model = new TreeLstmClassifier();
        Assert.Contains("classTargets[1]: expected a class id in 0…2 but got 3", Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(Trees, new[] { 0, 3, 0, 0 })).Message);
        Assert.Contains("Backward() needs a training-mode Forward", Assert.Throws<InvalidOperationException>(() => model.Backward()).Message);
        Assert.Contains("trees[0]: leaf 0 has token 9; expected 0 … 6", Assert.Throws<ArgumentException>(() => model.Predict(new[] { BinaryTree.Leaf(9) }, new float[3])).Message);
        Assert.Contains("outputs: expected [trees.Length, OutputSize] = 2·3 = 6 elements but got 3", Assert.Throws<ArgumentException>(() => model.Predict(Trees[..2], new float[3])).Message);
        Assert.Contains("expected at least one tree", Assert.Throws<ArgumentException>(() => model.Predict(ReadOnlySpan<BinaryTree>.Empty, Span<float>.Empty)).Message);

        model.Forward(Trees, Labels);
        Assert.Throws<ArgumentException>(() => model.Forward(new[] { BinaryTree.Leaf(9) }, new[] { 0 }));
        model.Backward(); // the rejected call left the last Forward in place

        float[] before = model.Parameters.ToArray();
        Assert.Contains("labels[3]: expected a class id in 0…2 but got 7", Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(Trees, new[] { 0, 0, 0, 7 }, new Adam(0.1f), 1)).Message);
        Assert.Contains("expected one target row per tree (4 trees", Assert.Throws<ArgumentException>(() => model.Fit(Trees, new[] { 0 }, new Adam(0.1f), 1)).Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Parameters_have_pytorch_style_names_a_keras_summary_and_survive_a_weight_file()
    {
        var model = new TreeLstmClassifier(seed: 4);
        Assert.Equal(new[] { "Tokens.weight", "Composition.weight_ih", "Composition.weight_hh", "Composition.bias", "Label.weight", "Label.bias" }, model.NamedParameters.Select(t => t.Name));
        Assert.Equal(new[] { 20, 8 }, model.NamedParameters[2].Shape);
        Assert.Equal(21 + 20 * 3 + 20 * 8 + 20 + 12 + 3, TreeLstmClassifier.ParameterCount);
        Assert.Contains(" Composition (TreeLSTM)           (None, 4)                      240", model.Summary());
        Assert.Equal(TreeCellKind.Lstm, model.Composition.Cell);
        Assert.Equal(new[] { "Tokens.weight", "Composition.weight_hh", "Composition.bias", "Score.weight", "Score.bias" }, new TreeRnnRegressor().NamedParameters.Select(t => t.Name));

        string path = Path.Combine(Path.GetTempPath(), $"rnngen-tree-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.SaveWeights(path);
            var other = new TreeLstmClassifier(seed: 9);
            Assert.NotEqual(model.Parameters.ToArray(), other.Parameters.ToArray());
            other.LoadWeights(path);
            Assert.Equal(model.Parameters.ToArray(), other.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Predict_runs_on_several_threads_at_once_and_training_meanwhile_is_refused()
    {
        var model = new TreeLstmClassifier(seed: 8);
        var expected = new float[Trees.Length * 3];
        model.Predict(Trees, expected);
        var results = new float[8][];
        Parallel.For(0, 8, i =>
        {
            var mine = new float[Trees.Length * 3];
            for (int k = 0; k < 50; k++) model.Predict(Trees, mine);
            results[i] = mine;
        });
        Assert.All(results, r => Assert.Equal(expected, r));

        Exception? refused = null;
        using (((global::RnnGen.Generated.IGuardedModel)model).Concurrency.Infer("test"))
        {
            var thread = new Thread(() =>
            {
                try { model.Forward(Trees, Labels); }
                catch (Exception e) { refused = e; }
            });
            thread.Start();
            thread.Join();
        }

        Assert.IsType<InvalidOperationException>(refused);
    }
}
