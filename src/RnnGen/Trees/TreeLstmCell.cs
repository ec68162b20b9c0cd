using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Trees;

/// <summary>
/// The binary Tree-LSTM of Tai et al. (2015, N-ary with N = 2), forward and backward over a <see cref="TreeSchedule"/>:
/// <code>
/// z = W_ih x + W_hh [h_l; h_r] + b        (x: the leaf's input, zero at inner nodes; h_l = h_r = c_l = c_r = 0 at leaves)
/// i = σ(z_i)  f_l = σ(z_fl)  f_r = σ(z_fr)  o = σ(z_o)  u = tanh(z_u)
/// c = i⊙u + f_l⊙c_l + f_r⊙c_r             h = o⊙tanh(c)
/// </code>
/// Weights in PyTorch layout: W_ih <c>[5H, E]</c>, W_hh <c>[5H, 2H]</c>, b <c>[5H]</c>, gate blocks in the order i, f_l, f_r, o, u.
/// </summary>
public static class TreeLstmCell
{
    /// <summary>Gate blocks: i, f_l, f_r, o, u.</summary>
    public const int GateCount = 5;

    /// <summary>Where each value of a node's cache row starts, in units of H.</summary>
    public static class Cache
    {
        /// <summary>The gate activations i, f_l, f_r, o, u (5H).</summary>
        public const int Gates = 0;

        /// <summary>The cell state c (H).</summary>
        public const int Cell = 5;

        /// <summary>The hidden state h (H).</summary>
        public const int Hidden = 6;

        /// <summary>The children's hidden states [h_l; h_r] (2H; zero at leaves).</summary>
        public const int Children = 7;

        /// <summary>Floats per node, in units of H.</summary>
        public const int Width = 9;
    }

    /// <summary>
    /// Computes every node of <paramref name="s"/>, level by level. <paramref name="leafInputs"/> holds row k for leaf slot k
    /// (<c>[leaves, E]</c>); <paramref name="cache"/> gets one <c>Cache.Width·H</c> row per slot (h of slot s at
    /// <c>s·9H + 6H</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(TreeSchedule s, int inputSize, int hidden, ReadOnlySpan<float> leafInputs,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> bias, Span<float> cache)
    {
        using DenormalScope fp = DenormalScope.Enter();
        int H = hidden, G = GateCount * H, W = Cache.Width * H;
        for (int level = 0; level < s.Levels; level++)
        {
            int start = s.LevelStart(level), n = s.LevelStart(level + 1) - start;
            Span<float> rows = cache.Slice(start * W, n * W);
            for (int k = 0; k < n; k++)
            {
                Span<float> row = rows.Slice(k * W, W);
                bias.CopyTo(row.Slice(Cache.Gates * H, G));
                if (level == 0)
                {
                    row.Slice(Cache.Children * H, 2 * H).Clear();
                }
            }

            if (level > 0)
            {
                s.GatherChildren(start, n, rows, W, Cache.Children * H, cache, Cache.Hidden * H, H);
            }

            if (level == 0)
            {
                Gemm.MultiplyNT(n, G, inputSize, leafInputs, inputSize, weightIh, inputSize, rows, W, accumulate: true);
            }
            else
            {
                Gemm.MultiplyNT(n, G, 2 * H, rows.Slice(Cache.Children * H), W, weightHh, 2 * H, rows, W, accumulate: true);
            }

            for (int k = 0; k < n; k++)
            {
                Span<float> row = rows.Slice(k * W, W);
                Span<float> gates = row.Slice(Cache.Gates * H, G);
                TensorPrimitives.Sigmoid(gates.Slice(0, 4 * H), gates.Slice(0, 4 * H));
                TensorPrimitives.Tanh(gates.Slice(4 * H, H), gates.Slice(4 * H, H));
                Span<float> c = row.Slice(Cache.Cell * H, H), h = row.Slice(Cache.Hidden * H, H);
                TensorPrimitives.Multiply(gates.Slice(0, H), gates.Slice(4 * H, H), c); // i⊙u
                if (level > 0)
                {
                    TensorPrimitives.FusedMultiplyAdd(gates.Slice(H, H), cache.Slice(s.Left[start + k] * W + Cache.Cell * H, H), c, c);
                    TensorPrimitives.FusedMultiplyAdd(gates.Slice(2 * H, H), cache.Slice(s.Right[start + k] * W + Cache.Cell * H, H), c, c);
                }

                TensorPrimitives.Tanh(c, h);
                TensorPrimitives.Multiply(h, gates.Slice(3 * H, H), h);
            }
        }
    }

    /// <summary>
    /// Backpropagation through the trees of the last <see cref="Forward"/>. <paramref name="dHidden"/> holds ∂L/∂h per slot
    /// on entry (<c>[nodes, H]</c>, e.g. nonzero at the roots) and is used as scratch; <paramref name="scratch"/> needs
    /// <see cref="ScratchLength"/> floats. Accumulates the weight gradients; writes ∂L/∂x per leaf into
    /// <paramref name="dLeafInputs"/> (<c>[leaves, E]</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(TreeSchedule s, int inputSize, int hidden, ReadOnlySpan<float> leafInputs,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> cache, Span<float> dHidden,
        Span<float> dWeightIh, Span<float> dWeightHh, Span<float> dBias, Span<float> dLeafInputs, Span<float> scratch)
    {
        using DenormalScope fp = DenormalScope.Enter();
        int H = hidden, G = GateCount * H, W = Cache.Width * H, N = s.NodeCount, widest = s.WidestLevel;
        Span<float> dCell = scratch.Slice(0, N * H);
        Span<float> dz = scratch.Slice(N * H, widest * G);
        Span<float> dChildren = scratch.Slice(N * H + widest * G, widest * 2 * H);
        Span<float> tanhC = scratch.Slice(N * H + widest * (G + 2 * H), H);
        dCell.Clear();
        for (int level = s.Levels - 1; level >= 0; level--)
        {
            int start = s.LevelStart(level), n = s.LevelStart(level + 1) - start;
            ReadOnlySpan<float> rows = cache.Slice(start * W, n * W);
            for (int k = 0; k < n; k++)
            {
                int slot = start + k;
                ReadOnlySpan<float> row = rows.Slice(k * W, W);
                ReadOnlySpan<float> i = row.Slice(0, H), fl = row.Slice(H, H), fr = row.Slice(2 * H, H), o = row.Slice(3 * H, H), u = row.Slice(4 * H, H);
                ReadOnlySpan<float> c = row.Slice(Cache.Cell * H, H);
                Span<float> dh = dHidden.Slice(slot * H, H), dc = dCell.Slice(slot * H, H), g = dz.Slice(k * G, G);
                TensorPrimitives.Tanh(c, tanhC);
                for (int j = 0; j < H; j++)
                {
                    float t = tanhC[j];
                    float dcj = dc[j] + dh[j] * o[j] * (1 - t * t);
                    dc[j] = dcj;
                    g[j] = dcj * u[j] * i[j] * (1 - i[j]);
                    g[3 * H + j] = dh[j] * t * o[j] * (1 - o[j]);
                    g[4 * H + j] = dcj * i[j] * (1 - u[j] * u[j]);
                }

                if (level == 0)
                {
                    g.Slice(H, 2 * H).Clear(); // no children: the forget gates see zeros
                    continue;
                }

                int left = s.Left[slot], right = s.Right[slot];
                ReadOnlySpan<float> cl = cache.Slice(left * W + Cache.Cell * H, H), cr = cache.Slice(right * W + Cache.Cell * H, H);
                Span<float> dcl = dCell.Slice(left * H, H), dcr = dCell.Slice(right * H, H);
                for (int j = 0; j < H; j++)
                {
                    float dcj = dc[j];
                    g[H + j] = dcj * cl[j] * fl[j] * (1 - fl[j]);
                    g[2 * H + j] = dcj * cr[j] * fr[j] * (1 - fr[j]);
                    dcl[j] += dcj * fl[j];
                    dcr[j] += dcj * fr[j];
                }
            }

            Span<float> levelDz = dz.Slice(0, n * G);
            for (int k = 0; k < n; k++)
            {
                TensorPrimitives.Add(dBias, levelDz.Slice(k * G, G), dBias);
            }

            if (level == 0)
            {
                Gemm.MultiplyTN(G, inputSize, n, levelDz, G, leafInputs, inputSize, dWeightIh, inputSize, accumulate: true);
                Gemm.MultiplyNN(n, inputSize, G, levelDz, G, weightIh, inputSize, dLeafInputs, inputSize, accumulate: false);
                continue;
            }

            Gemm.MultiplyTN(G, 2 * H, n, levelDz, G, rows.Slice(Cache.Children * H), W, dWeightHh, 2 * H, accumulate: true);
            Span<float> dx = dChildren.Slice(0, n * 2 * H);
            Gemm.MultiplyNN(n, 2 * H, G, levelDz, G, weightHh, 2 * H, dx, 2 * H, accumulate: false);
            s.AddToChildren(start, n, dx, dHidden, H);
        }
    }

    /// <summary>Floats of scratch <see cref="Backward"/> needs for <paramref name="s"/>.</summary>
    public static int ScratchLength(TreeSchedule s, int hidden) =>
        checked(s.NodeCount * hidden + s.WidestLevel * (GateCount * hidden + 2 * hidden) + hidden);
}
