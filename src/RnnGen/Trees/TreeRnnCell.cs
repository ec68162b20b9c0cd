using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Trees;

/// <summary>
/// The recursive neural network of Socher et al. (2011), forward and backward over a <see cref="TreeSchedule"/>: a leaf's
/// vector is its input (E = H), and one weight matrix combines two children into their parent,
/// <c>p = tanh(W [h_l; h_r] + b)</c>, W <c>[H, 2H]</c> (PyTorch layout), b <c>[H]</c>.
/// </summary>
public static class TreeRnnCell
{
    /// <summary>Where each value of a node's cache row starts, in units of H.</summary>
    public static class Cache
    {
        /// <summary>The node's vector h (H).</summary>
        public const int Hidden = 0;

        /// <summary>The children's vectors [h_l; h_r] (2H; zero at leaves).</summary>
        public const int Children = 1;

        /// <summary>Floats per node, in units of H.</summary>
        public const int Width = 3;
    }

    /// <summary>Computes every node of <paramref name="s"/>; <paramref name="leafInputs"/> is <c>[leaves, H]</c>, <paramref name="cache"/> gets a <c>3H</c> row per slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(TreeSchedule s, int hidden, ReadOnlySpan<float> leafInputs, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> cache)
    {
        using DenormalScope fp = DenormalScope.Enter();
        int H = hidden, W = Cache.Width * H, leaves = s.LevelStart(1);
        for (int k = 0; k < leaves; k++)
        {
            leafInputs.Slice(k * H, H).CopyTo(cache.Slice(k * W, H));
            cache.Slice(k * W + Cache.Children * H, 2 * H).Clear();
        }

        for (int level = 1; level < s.Levels; level++)
        {
            int start = s.LevelStart(level), n = s.LevelStart(level + 1) - start;
            Span<float> rows = cache.Slice(start * W, n * W);
            for (int k = 0; k < n; k++)
            {
                bias.CopyTo(rows.Slice(k * W + Cache.Hidden * H, H));
            }

            s.GatherChildren(start, n, rows, W, Cache.Children * H, cache, Cache.Hidden * H, H);

            Gemm.MultiplyNT(n, H, 2 * H, rows.Slice(Cache.Children * H), W, weight, 2 * H, rows, W, accumulate: true);
            for (int k = 0; k < n; k++)
            {
                Span<float> h = rows.Slice(k * W, H);
                TensorPrimitives.Tanh(h, h);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>: <paramref name="dHidden"/> (<c>[nodes, H]</c>, ∂L/∂h per slot) is used as scratch;
    /// accumulates dW and db; writes ∂L/∂x per leaf into <paramref name="dLeafInputs"/>. <paramref name="scratch"/> needs
    /// <see cref="ScratchLength"/> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(TreeSchedule s, int hidden, ReadOnlySpan<float> weight, ReadOnlySpan<float> cache, Span<float> dHidden,
        Span<float> dWeight, Span<float> dBias, Span<float> dLeafInputs, Span<float> scratch)
    {
        using DenormalScope fp = DenormalScope.Enter();
        int H = hidden, W = Cache.Width * H, widest = s.WidestLevel;
        Span<float> dz = scratch.Slice(0, widest * H), dChildren = scratch.Slice(widest * H, widest * 2 * H);
        for (int level = s.Levels - 1; level >= 1; level--)
        {
            int start = s.LevelStart(level), n = s.LevelStart(level + 1) - start;
            ReadOnlySpan<float> rows = cache.Slice(start * W, n * W);
            for (int k = 0; k < n; k++)
            {
                ReadOnlySpan<float> h = rows.Slice(k * W, H);
                ReadOnlySpan<float> dh = dHidden.Slice((start + k) * H, H);
                Span<float> g = dz.Slice(k * H, H);
                for (int j = 0; j < H; j++)
                {
                    g[j] = dh[j] * (1 - h[j] * h[j]);
                }

                TensorPrimitives.Add(dBias, g, dBias);
            }

            Gemm.MultiplyTN(H, 2 * H, n, dz, H, rows.Slice(Cache.Children * H), W, dWeight, 2 * H, accumulate: true);
            Span<float> dx = dChildren.Slice(0, n * 2 * H);
            Gemm.MultiplyNN(n, 2 * H, H, dz, H, weight, 2 * H, dx, 2 * H, accumulate: false);
            s.AddToChildren(start, n, dx, dHidden, H);
        }

        dHidden.Slice(0, s.LevelStart(1) * H).CopyTo(dLeafInputs);
    }

    /// <summary>Floats of scratch <see cref="Backward"/> needs for <paramref name="s"/>.</summary>
    public static int ScratchLength(TreeSchedule s, int hidden) => checked(s.WidestLevel * 3 * hidden);
}
