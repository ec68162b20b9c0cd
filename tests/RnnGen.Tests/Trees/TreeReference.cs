using RnnGen.Trees;

namespace RnnGen.Tests.Trees;

/// <summary>
/// The tree cells in float64, written recursively from the papers' equations (no schedule, no batching): the reference of
/// the cell tests and of the generated tree models. <paramref name="leaf"/> counts the leaves consumed, left to right.
/// </summary>
internal static class TreeReference
{
    /// <summary>Tree-LSTM (Tai et al. 2015): h (and c) of <paramref name="node"/>; x holds E floats per leaf, W_ih [5H, E], W_hh [5H, 2H], b [5H].</summary>
    public static double[] LstmNode(BinaryTree tree, int node, int E, int H, double[] x, ref int leaf, double[] wih, double[] whh, double[] b, out double[] c)
    {
        var z = (double[])b.Clone();
        double[] hl = new double[H], hr = new double[H], cl = new double[H], cr = new double[H];
        if (tree.IsLeaf(node))
        {
            for (int g = 0; g < 5 * H; g++) for (int e = 0; e < E; e++) z[g] += wih[g * E + e] * x[leaf * E + e];
            leaf++;
        }
        else
        {
            hl = LstmNode(tree, tree.Left(node), E, H, x, ref leaf, wih, whh, b, out cl);
            hr = LstmNode(tree, tree.Right(node), E, H, x, ref leaf, wih, whh, b, out cr);
            for (int g = 0; g < 5 * H; g++) for (int j = 0; j < H; j++) z[g] += whh[g * 2 * H + j] * hl[j] + whh[g * 2 * H + H + j] * hr[j];
        }

        c = new double[H];
        var h = new double[H];
        for (int j = 0; j < H; j++)
        {
            double i = Sigmoid(z[j]), fl = Sigmoid(z[H + j]), fr = Sigmoid(z[2 * H + j]), o = Sigmoid(z[3 * H + j]), u = Math.Tanh(z[4 * H + j]);
            c[j] = i * u + fl * cl[j] + fr * cr[j];
            h[j] = o * Math.Tanh(c[j]);
        }

        return h;
    }

    /// <summary>Socher's tanh composition: a leaf is its input (H floats), a parent tanh(W [h_l; h_r] + b), W [H, 2H].</summary>
    public static double[] RnnNode(BinaryTree tree, int node, int H, double[] x, ref int leaf, double[] w, double[] b)
    {
        if (tree.IsLeaf(node))
        {
            return x.Skip(leaf++ * H).Take(H).ToArray();
        }

        double[] hl = RnnNode(tree, tree.Left(node), H, x, ref leaf, w, b), hr = RnnNode(tree, tree.Right(node), H, x, ref leaf, w, b);
        var h = new double[H];
        for (int j = 0; j < H; j++)
        {
            double z = b[j];
            for (int k = 0; k < H; k++) z += w[j * 2 * H + k] * hl[k] + w[j * 2 * H + H + k] * hr[k];
            h[j] = Math.Tanh(z);
        }

        return h;
    }

    public static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
