using RnnGen.Initialization;
using RnnGen.Kernels;
using RnnGen.Tests.Kernels;
using RnnGen.Trees;

namespace RnnGen.Tests.Trees;

/// <summary>
/// The tree cells against a float64 recursive reference (forward) and central differences of that reference (every
/// weight, bias and leaf-input gradient), on a batch of trees of different shapes, on every GEMM path.
/// </summary>
[Collection(nameof(GemmPathCollection))]
public sealed class TreeCellTests
{
    private const int E = 3, H = 4;

    private static BinaryTree[] Batch() => new[]
    {
        BinaryTree.Parse("((0 1) (2 (3 4)))", int.Parse),
        BinaryTree.Parse("5", int.Parse),
        BinaryTree.Parse("(((1 2) 3) 0)", int.Parse),
        BinaryTree.Parse("(6 6)", int.Parse),
    };

    private static float[] Random(int n, long seed, float scale = 0.5f)
    {
        var r = new DeterministicRandom(seed);
        return Enumerable.Range(0, n).Select(_ => r.Uniform(-scale, scale)).ToArray();
    }

    /// <summary>Leaf inputs in slot order: the leaves of tree 0 left to right, then tree 1's, …</summary>
    private static float[] LeafInputs(BinaryTree[] trees, int width, long seed) => Random(trees.Sum(t => t.LeafCount) * width, seed, 1f);

    // ---- float64 references (TreeReference) at this test's sizes ----

    private static double[] LstmRoot(BinaryTree tree, int node, double[] x, ref int leaf, double[] wih, double[] whh, double[] b, out double[] c)
        => TreeReference.LstmNode(tree, node, E, H, x, ref leaf, wih, whh, b, out c);

    private static double[] RnnRoot(BinaryTree tree, int node, double[] x, ref int leaf, double[] w, double[] b)
        => TreeReference.RnnNode(tree, node, H, x, ref leaf, w, b);

    /// <summary>L = Σ_trees r_t · h_root(t) in float64.</summary>
    private static double Loss(BinaryTree[] trees, Func<BinaryTree, int, double[]> root, double[] r)
    {
        double loss = 0;
        int leaf = 0;
        for (int t = 0; t < trees.Length; t++)
        {
            double[] h = root(trees[t], leaf);
            leaf += trees[t].LeafCount;
            for (int j = 0; j < H; j++) loss += r[t * H + j] * h[j];
        }

        return loss;
    }

    private static void CheckGradient(string name, float[] analytic, double[] values, Func<double> loss)
    {
        for (int p = 0; p < values.Length; p++)
        {
            double keep = values[p];
            values[p] = keep + 1e-5;
            double up = loss();
            values[p] = keep - 1e-5;
            double down = loss();
            values[p] = keep;
            double numeric = (up - down) / 2e-5;
            Assert.True(Math.Abs(analytic[p] - numeric) <= 2e-4 + 2e-3 * Math.Abs(numeric), $"{name}[{p}]: analytic {analytic[p]}, finite difference {numeric}");
        }
    }

    public static TheoryData<GemmPath> Paths() => new() { GemmPath.Auto, GemmPath.Scalar, GemmPath.Vector128 };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Tree_lstm_matches_the_float64_reference_and_its_finite_differences(GemmPath path)
    {
        Gemm.Override = path;
        try
        {
            BinaryTree[] trees = Batch();
            var s = new TreeSchedule();
            s.Set(trees, vocabularySize: 7);
            float[] x = LeafInputs(trees, E, 1), wih = Random(5 * H * E, 2), whh = Random(5 * H * 2 * H, 3), b = Random(5 * H, 4), r = Random(trees.Length * H, 5, 1f);
            var cache = new float[s.NodeCount * TreeLstmCell.Cache.Width * H];
            TreeLstmCell.Forward(s, E, H, x, wih, whh, b, cache);

            double[] X = x.Select(v => (double)v).ToArray(), Wih = wih.Select(v => (double)v).ToArray(), Whh = whh.Select(v => (double)v).ToArray(), B = b.Select(v => (double)v).ToArray(), R = r.Select(v => (double)v).ToArray();
            double Reference() => Loss(trees, (tree, first) => { int leaf = first; return LstmRoot(tree, tree.Root, X, ref leaf, Wih, Whh, B, out _); }, R);

            var dh = new float[s.NodeCount * H];
            int leafCursor = 0;
            for (int t = 0; t < trees.Length; t++)
            {
                int first = leafCursor;
                double[] expected = LstmRoot(trees[t], trees[t].Root, X, ref first, Wih, Whh, B, out _);
                leafCursor += trees[t].LeafCount;
                int root = s.Roots[t];
                for (int j = 0; j < H; j++)
                {
                    Assert.Equal(expected[j], cache[root * TreeLstmCell.Cache.Width * H + TreeLstmCell.Cache.Hidden * H + j], 5);
                    dh[root * H + j] = r[t * H + j];
                }
            }

            float[] dWih = new float[wih.Length], dWhh = new float[whh.Length], dB = new float[b.Length], dX = new float[x.Length];
            var scratch = new float[TreeLstmCell.ScratchLength(s, H)];
            TreeLstmCell.Backward(s, E, H, x, wih, whh, cache, dh, dWih, dWhh, dB, dX, scratch);
            CheckGradient("W_ih", dWih, Wih, Reference);
            CheckGradient("W_hh", dWhh, Whh, Reference);
            CheckGradient("b", dB, B, Reference);
            CheckGradient("x", dX, X, Reference);
        }
        finally
        {
            Gemm.Override = GemmPath.Auto;
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Tree_rnn_matches_the_float64_reference_and_its_finite_differences(GemmPath path)
    {
        Gemm.Override = path;
        try
        {
            BinaryTree[] trees = Batch();
            var s = new TreeSchedule();
            s.Set(trees, vocabularySize: 7);
            float[] x = LeafInputs(trees, H, 6), w = Random(H * 2 * H, 7), b = Random(H, 8), r = Random(trees.Length * H, 9, 1f);
            var cache = new float[s.NodeCount * TreeRnnCell.Cache.Width * H];
            TreeRnnCell.Forward(s, H, x, w, b, cache);

            double[] X = x.Select(v => (double)v).ToArray(), Wd = w.Select(v => (double)v).ToArray(), B = b.Select(v => (double)v).ToArray(), R = r.Select(v => (double)v).ToArray();
            double Reference() => Loss(trees, (tree, first) => { int leaf = first; return RnnRoot(tree, tree.Root, X, ref leaf, Wd, B); }, R);

            var dh = new float[s.NodeCount * H];
            int leafCursor = 0;
            for (int t = 0; t < trees.Length; t++)
            {
                int first = leafCursor;
                double[] expected = RnnRoot(trees[t], trees[t].Root, X, ref first, Wd, B);
                leafCursor += trees[t].LeafCount;
                int root = s.Roots[t];
                for (int j = 0; j < H; j++)
                {
                    Assert.Equal(expected[j], cache[root * TreeRnnCell.Cache.Width * H + j], 5);
                    dh[root * H + j] = r[t * H + j];
                }
            }

            float[] dW = new float[w.Length], dB = new float[b.Length], dX = new float[x.Length];
            TreeRnnCell.Backward(s, H, w, cache, dh, dW, dB, dX, new float[TreeRnnCell.ScratchLength(s, H)]);
            CheckGradient("W", dW, Wd, Reference);
            CheckGradient("b", dB, B, Reference);
            CheckGradient("x", dX, X, Reference);
        }
        finally
        {
            Gemm.Override = GemmPath.Auto;
        }
    }

    [Fact]
    public void Forward_and_backward_allocate_nothing_in_steady_state()
    {
        BinaryTree[] trees = Batch();
        var s = new TreeSchedule();
        float[] x = LeafInputs(trees, E, 1), wih = Random(5 * H * E, 2), whh = Random(5 * H * 2 * H, 3), b = Random(5 * H, 4);
        float[] cache = new float[64 * TreeLstmCell.Cache.Width * H], dh = new float[64 * H], scratch = new float[4096];
        float[] dWih = new float[wih.Length], dWhh = new float[whh.Length], dB = new float[b.Length], dX = new float[x.Length];
        void Step()
        {
            s.Set(trees, 7);
            TreeLstmCell.Forward(s, E, H, x, wih, whh, b, cache);
            TreeLstmCell.Backward(s, E, H, x, wih, whh, cache, dh, dWih, dWhh, dB, dX, scratch);
        }

        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_schedule_puts_every_child_on_a_lower_level_and_leaves_first()
    {
        BinaryTree[] trees = Batch();
        var s = new TreeSchedule();
        s.Set(trees, 7);
        Assert.Equal(trees.Sum(t => t.NodeCount), s.NodeCount);
        Assert.Equal(trees.Sum(t => t.LeafCount), s.LevelStart(1));
        Assert.Equal(4, s.Levels); // tree 2 is three levels above its leaves
        Assert.Equal(12, s.WidestLevel); // the leaves
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 1, 2, 3, 0, 6, 6 }, s.Tokens[..s.LevelStart(1)].ToArray()); // leaves left to right, tree by tree
        for (int level = 1; level < s.Levels; level++)
        {
            for (int slot = s.LevelStart(level); slot < s.LevelStart(level + 1); slot++)
            {
                Assert.True(s.Left[slot] < s.LevelStart(level) && s.Right[slot] < s.LevelStart(level), $"slot {slot}");
                Assert.Equal(-1, s.Tokens[slot]);
            }
        }

        var e = Assert.Throws<ArgumentException>(() => s.Set(trees, vocabularySize: 6));
        Assert.Contains("trees[3]: leaf 0 has token 6; expected 0 … 5", e.Message);
    }
}
