using System.ComponentModel;
using System.Runtime.CompilerServices;
using RnnGen.Layers;
using RnnGen.Trees;

namespace RnnGen.Generated;

/// <summary>
/// Each layer kind's forward and backward pass inside a generated tree model, over a <see cref="TreePass"/>: the kernel
/// calls with the layer's views of the parameter buffer. Written once here; generated tree models call them in order.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TreeOps
{
    /// <summary>Embedding of the leaves: <c>x[leaf, D] = weight[token(leaf), :]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Embedding<TShape>(in TreePass f) where TShape : IEmbeddingShape
    {
        int leaves = f.Schedule.LevelStart(1), size = TShape.VocabularySize * TShape.Dimension;
        EmbeddingKernel.Forward(TShape.VocabularySize, TShape.Dimension, f.Schedule.Tokens[..leaves], f.Parameters.Slice(TShape.ParameterOffset, size),
            f.Leaves.Slice(0, leaves * TShape.Dimension));
    }

    /// <summary>Backward of <see cref="Embedding{TShape}"/>: <c>∂weight[token(leaf), :] += ∂x[leaf, :]</c> (nothing for a frozen table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EmbeddingBackward<TShape>(in TreePass f) where TShape : IEmbeddingShape
    {
        if (!TShape.Trainable)
        {
            return;
        }

        int leaves = f.Schedule.LevelStart(1), size = TShape.VocabularySize * TShape.Dimension;
        EmbeddingKernel.Backward(TShape.VocabularySize, TShape.Dimension, f.Schedule.Tokens[..leaves], f.LeafGradient.Slice(0, leaves * TShape.Dimension),
            f.Gradients.Slice(TShape.ParameterOffset, size));
    }

    /// <summary>The tree layer over every level of the batch, children before parents; each root's h is copied to <see cref="TreePass.Roots"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tree<TShape>(in TreePass f) where TShape : ITreeLayerShape
    {
        TreeSchedule s = f.Schedule;
        int E = TShape.InputSize, H = TShape.Units, o = TShape.ParameterOffset, leaves = s.LevelStart(1);
        int width, hiddenAt;
        if (TShape.Cell == TreeCellKind.Lstm)
        {
            int G = TreeLstmCell.GateCount * H;
            TreeLstmCell.Forward(s, E, H, f.Leaves.Slice(0, leaves * E), f.Parameters.Slice(o, G * E), f.Parameters.Slice(o + G * E, G * 2 * H),
                f.Parameters.Slice(o + G * E + G * 2 * H, G), f.Cache);
            (width, hiddenAt) = (TreeLstmCell.Cache.Width * H, TreeLstmCell.Cache.Hidden * H);
        }
        else
        {
            TreeRnnCell.Forward(s, H, f.Leaves.Slice(0, leaves * H), f.Parameters.Slice(o, H * 2 * H), f.Parameters.Slice(o + H * 2 * H, H), f.Cache);
            (width, hiddenAt) = (TreeRnnCell.Cache.Width * H, TreeRnnCell.Cache.Hidden * H);
        }

        ReadOnlySpan<int> roots = s.Roots;
        for (int t = 0; t < roots.Length; t++)
        {
            f.Cache.Slice(roots[t] * width + hiddenAt, H).CopyTo(f.Roots.Slice(t * H, H));
        }
    }

    /// <summary>Backward of <see cref="Tree{TShape}"/>: backpropagation through the tree structure, from the roots down to the leaves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TreeBackward<TShape>(in TreePass f) where TShape : ITreeLayerShape
    {
        TreeSchedule s = f.Schedule;
        int E = TShape.InputSize, H = TShape.Units, o = TShape.ParameterOffset, leaves = s.LevelStart(1);
        Span<float> dHidden = f.NodeGradient.Slice(0, s.NodeCount * H);
        dHidden.Clear();
        ReadOnlySpan<int> roots = s.Roots;
        for (int t = 0; t < roots.Length; t++)
        {
            f.RootGradient.Slice(t * H, H).CopyTo(dHidden.Slice(roots[t] * H, H));
        }

        if (TShape.Cell == TreeCellKind.Lstm)
        {
            int G = TreeLstmCell.GateCount * H;
            TreeLstmCell.Backward(s, E, H, f.Leaves.Slice(0, leaves * E), f.Parameters.Slice(o, G * E), f.Parameters.Slice(o + G * E, G * 2 * H), f.Cache, dHidden,
                f.Gradients.Slice(o, G * E), f.Gradients.Slice(o + G * E, G * 2 * H), f.Gradients.Slice(o + G * E + G * 2 * H, G), f.LeafGradient.Slice(0, leaves * E), f.Scratch);
        }
        else
        {
            TreeRnnCell.Backward(s, H, f.Parameters.Slice(o, H * 2 * H), f.Cache, dHidden, f.Gradients.Slice(o, H * 2 * H), f.Gradients.Slice(o + H * 2 * H, H),
                f.LeafGradient.Slice(0, leaves * H), f.Scratch);
        }
    }

    /// <summary>The head on the roots: <c>y[trees, U] = act(h_root · Wᵀ + b)</c> (logits when the pass asks for them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dense<TShape>(in TreePass f) where TShape : IDenseShape
    {
        int I = TShape.InputSize, U = TShape.Units, w = TShape.ParameterOffset, n = f.Schedule.TreeCount;
        DenseKernel.Forward(n, I, U, f.Logits ? Activation.Linear : TShape.Activation, f.Roots.Slice(0, n * I), I, f.Parameters.Slice(w, U * I),
            f.Parameters.Slice(w + U * I, U), f.Output.Slice(0, n * U));
    }

    /// <summary>Backward of <see cref="Dense{TShape}"/>: <c>∂z = ∂y ⊙ act'(z), ∂W += ∂zᵀ · h, ∂b += Σ ∂z, ∂h_root = ∂z · W</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DenseBackward<TShape>(in TreePass f) where TShape : IDenseShape
    {
        int I = TShape.InputSize, U = TShape.Units, w = TShape.ParameterOffset, n = f.Schedule.TreeCount;
        Span<float> dRoots = f.RootGradient.Slice(0, n * I);
        dRoots.Clear(); // DenseKernel.Backward accumulates into it
        DenseKernel.Backward(n, I, U, TShape.Activation, f.Roots.Slice(0, n * I), I, f.Parameters.Slice(w, U * I), f.Output.Slice(0, n * U),
            f.OutputGradient.Slice(0, n * U), f.Logits, f.Gradients.Slice(w, U * I), f.Gradients.Slice(w + U * I, U), dRoots);
    }
}
